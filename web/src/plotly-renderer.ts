/**
 * Draws `application/vnd.plotly.v1+json` (the figure part of every glasslab
 * figure and result bundle, src/display/mime.ts) with plotly.js, the same
 * npm `plotly.js-dist-min` the Node kernel inlines. plotly.js (4.6 MB) is a
 * separate chunk, loaded by the first figure, not with the page. Rank 0
 * puts it before the HTML part, as the Plotly extension does in JupyterLab.
 */
import type { IRenderMime } from '@jupyterlab/rendermime-interfaces';
import { Widget } from '@lumino/widgets';

const MIME = 'application/vnd.plotly.v1+json';

interface PlotlyApi {
  newPlot(el: HTMLElement, data: unknown, layout: unknown, config: unknown): Promise<unknown>;
  Plots: { resize(el: HTMLElement): void };
}

let plotly: Promise<PlotlyApi> | undefined;
const loadPlotly = (): Promise<PlotlyApi> => (plotly ??= import('plotly.js-dist-min').then((m) => ((m as { default?: PlotlyApi }).default ?? m) as PlotlyApi));

class PlotlyRenderer extends Widget implements IRenderMime.IRenderer {
  constructor() {
    super();
    this.addClass('glasslab-plotly');
  }

  async renderModel(model: IRenderMime.IMimeModel): Promise<void> {
    const fig = model.data[MIME] as { data: unknown; layout: { height?: number } & Record<string, unknown> };
    const P = await loadPlotly();
    this.node.style.height = `${fig.layout.height ?? 380}px`;
    await P.newPlot(this.node, fig.data, { ...fig.layout }, { responsive: true, displaylogo: false });
  }

  protected override onResize(): void {
    if (plotly && this.isVisible) void plotly.then((P) => P.Plots.resize(this.node));
  }
}

export const plotlyRendererExtension: IRenderMime.IExtension = {
  id: 'glasslab-lite:plotly',
  description: 'Plotly figures of the glasslab kernel',
  rendererFactory: { safe: true, mimeTypes: [MIME], defaultRank: 0, createRenderer: () => new PlotlyRenderer() },
  rank: 0,
  dataType: 'json',
};

export default plotlyRendererExtension;
