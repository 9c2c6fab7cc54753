import { describe, expect, it } from 'vitest';
import { parseCsvTable, valuesById } from '../../src/io/csv.ts';

describe('per-atom CSV tables', () => {
  it('reads the header and numeric columns, skipping comments, blank lines, CRs and white space', () => {
    const t = parseCsvTable('# made by hand\r\nid, type ,name,v\r\n\r\n3,1,Cu,0.5\r\n1,2,Zr, -1e-3\n', 'a.csv');
    expect([t.names, t.rows, t.has('v'), t.has('w')]).toEqual([['id', 'type', 'name', 'v'], 2, true, false]);
    expect(Array.from(t.column('v'))).toEqual([0.5, -1e-3]);
    expect(() => t.column('name')).toThrow(/^a\.csv: line 4, column 'name': 'Cu' is not a finite number$/);
    expect(() => t.column('w')).toThrow(/^a\.csv: no column 'w' \(columns: id, type, name, v\)$/);
    expect(() => t.records()).toThrow(/column 'name': 'Cu' is not a finite number/);
    expect(parseCsvTable('event,strain\n1,0.5\n2,0.75\n', 'e.csv').records()).toEqual([{ event: 1, strain: 0.5 }, { event: 2, strain: 0.75 }]);
  });

  it('matches rows to ids in the order asked, naming missing and repeated ids', () => {
    const t = parseCsvTable('id,v\n3,30\n1,10\n2,20\n', 'b.csv');
    expect(Array.from(valuesById(t, 'v', [1, 2, 3]))).toEqual([10, 20, 30]);
    expect(Array.from(valuesById(t, 'v', [3]))).toEqual([30]);
    expect(() => valuesById(t, 'v', [1, 4, 5], 'g.data')).toThrow(/^b\.csv: no row for 2 of the 3 ids of g\.data \(ids 4, 5\)$/);
    expect(() => valuesById(parseCsvTable('id,v\n1,1\n1,2\n', 'c.csv'), 'v', [1])).toThrow(/^c\.csv: id 1 appears twice$/);
    expect(() => valuesById(parseCsvTable('v\n1\n', 'd.csv'), 'v', [1])).toThrow(/^d\.csv: no column 'id' to match/);
  });

  it('rejects a malformed table in one line', () => {
    expect(() => parseCsvTable('id,v\n1,2,3\n', 'e.csv')).toThrow(/^e\.csv: line 2 has 3 cells for 2 columns$/);
    expect(() => parseCsvTable('id,v,id\n', 'f.csv')).toThrow(/column 'id' appears twice/);
    expect(() => parseCsvTable('# nothing\n\n', 'g.csv')).toThrow(/^g\.csv: no header line/);
    expect(() => parseCsvTable('id,\n', 'h.csv')).toThrow(/empty column name/);
  });
});
