/**
 * The notebooks' engine switch: which engine run-notebooks picks
 * (chooseEngine: LAMMPS at paper scale when lmp is found, the ranks from
 * --mpi or $GLASSLAB_MPI), and how `%engine` reaches the magic lines
 * (EngineDefault: md, minimize and shear, unless the line names its engine or
 * resumes a glasslab checkpoint).
 */
import { describe, expect, it } from 'vitest';
import { chooseEngine, engineParameters } from '../../kernel/notebook.ts';
import { EngineDefault } from '../../kernel/magics/table.ts';

describe('chooseEngine', () => {
  it('auto: lammps at paper scale when lmp is found, glasslab otherwise', () => {
    expect(chooseEngine('paper', undefined, true, undefined, {})).toEqual({ engine: 'lammps' });
    expect(chooseEngine('paper', undefined, false, undefined, {})).toEqual({ engine: 'glasslab' });
    expect(chooseEngine('quick', undefined, true, undefined, {})).toEqual({ engine: 'glasslab' });
    expect(chooseEngine('quick', 'lammps', true, 4, {})).toEqual({ engine: 'lammps', mpi: 4 });
  });

  it('the ranks: --mpi first, then $GLASSLAB_MPI; a bad value is named', () => {
    expect(chooseEngine('paper', undefined, true, undefined, { GLASSLAB_MPI: '8' })).toEqual({ engine: 'lammps', mpi: 8 });
    expect(chooseEngine('paper', undefined, true, 2, { GLASSLAB_MPI: '8' })).toEqual({ engine: 'lammps', mpi: 2 });
    expect(chooseEngine('paper', undefined, false, undefined, { GLASSLAB_MPI: '8' })).toEqual({ engine: 'glasslab' });
    expect(() => chooseEngine('paper', undefined, true, undefined, { GLASSLAB_MPI: 'two' })).toThrow('GLASSLAB_MPI=two is not a positive integer (MPI ranks of LAMMPS)');
  });

  it('the injected parameter and magic line', () => {
    expect(engineParameters({ engine: 'lammps', mpi: 16 })).toEqual({ params: { engine: 'lammps' }, code: ['%engine lammps --mpi 16'] });
    expect(engineParameters({ engine: 'glasslab' })).toEqual({ params: { engine: 'glasslab' }, code: ['%engine glasslab'] });
  });
});

describe('EngineDefault', () => {
  const d = new EngineDefault();
  d.tokens = ['--engine', 'lammps', '--mpi', '2'];
  it('goes before the lines of md, minimize and shear', () => {
    expect(d.apply('md', ['--n', '100'])).toEqual(['--engine', 'lammps', '--mpi', '2', '--n', '100']);
    expect(d.apply('minimize', ['a.data', '--out', 'b.data'])).toEqual(['--engine', 'lammps', '--mpi', '2', 'a.data', '--out', 'b.data']);
    expect(d.apply('shear', ['a.data'])).toEqual(['--engine', 'lammps', '--mpi', '2', 'a.data']);
  });
  it('leaves other commands, lines naming an engine option and --resume as written', () => {
    expect(d.apply('vdos', ['t.dump'])).toEqual(['t.dump']);
    expect(d.apply('md', ['--engine=glasslab'])).toEqual(['--engine=glasslab']);
    expect(d.apply('md', ['--launcher', 'srun'])).toEqual(['--launcher', 'srun']);
    expect(d.apply('md', ['--resume', 'c.ckpt'])).toEqual(['--resume', 'c.ckpt']);
    expect(new EngineDefault().apply('md', ['--n', '1'])).toEqual(['--n', '1']);
  });
});
