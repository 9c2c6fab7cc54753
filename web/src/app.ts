/**
 * The JupyterLab application of the glasslab site: JupyterLite 0.8's lab
 * app (github jupyterlite/jupyterlite, app/index.template.js and
 * app/lab/package.json at v0.8.1) with the extensions linked statically
 * instead of through module federation (no third-party extensions are
 * installed into the site), plus the glasslab kernel and the Plotly renderer.
 */
import { JupyterLab } from '@jupyterlab/application';
import { PageConfig } from '@jupyterlab/coreutils';
import { IServiceManager } from '@jupyterlab/services';
import { PluginRegistry } from '@lumino/coreutils';
import type { IRenderMime } from '@jupyterlab/rendermime-interfaces';

import './styles.ts';
import { glasslabKernelPlugin } from './kernel-plugin.ts';
import { plotlyRendererExtension } from './plotly-renderer.ts';

/** Plugins JupyterLite's lab disables (app/lab/package.json, disabledExtensions) and ours. */
const DISABLED = new Set([
  '@jupyterlab/application-extension:logo',
  '@jupyterlab/application-extension:main',
  '@jupyterlab/application-extension:tree-resolver',
  '@jupyterlab/application-extension:router',
  '@jupyterlab/apputils-extension:licenses-client',
  '@jupyterlab/apputils-extension:announcements',
  '@jupyterlab/apputils-extension:resolver',
  '@jupyterlab/docmanager-extension:download',
  '@jupyterlab/filebrowser-extension:download',
  '@jupyterlab/filebrowser-extension:share-file',
  '@jupyterlab/help-extension:about',
  '@jupyterlab/lsp-extension:plugin',
  '@jupyterlab/services-extension:config-section-manager',
  '@jupyterlab/services-extension:connection-status',
  '@jupyterlab/services-extension:default-drive',
  '@jupyterlab/services-extension:event-manager',
  '@jupyterlab/services-extension:kernel-manager',
  '@jupyterlab/services-extension:kernel-spec-manager',
  '@jupyterlab/services-extension:nbconvert-manager',
  '@jupyterlab/services-extension:session-manager',
  '@jupyterlab/services-extension:setting-manager',
  '@jupyterlab/services-extension:user-manager',
  '@jupyterlab/services-extension:workspace-manager',
  '@jupyterlab/translation:translator',
  // ours: no language server, no metadata form, no service worker (our kernel reads no files through it)
  '@jupyterlite/application-extension:lsp-connection-manager',
  '@jupyterlite/application-extension:service-worker-manager',
  '@jupyterlab/fileeditor-extension:language-server',
  '@jupyterlab/notebook-extension:language-server',
  '@jupyterlab/notebook-extension:update-raw-mimetype',
]);

type Plugin = { id: string };

/** The plugins of one extension module (an array or one plugin, as default export). */
function pluginsOf(mod: unknown): Plugin[] {
  const m = mod as { default?: unknown };
  const exp = m && typeof m === 'object' && 'default' in m ? m.default : mod;
  const all = (Array.isArray(exp) ? exp : [exp]) as Plugin[];
  return all.filter((p) => !DISABLED.has(p.id) && !PageConfig.Extension.isDisabled(p.id));
}

export async function main(): Promise<void> {
  const extensions = await Promise.all([
    import('@jupyterlab/application-extension'),
    import('@jupyterlab/apputils-extension'),
    import('@jupyterlab/codemirror-extension'),
    import('@jupyterlab/completer-extension'),
    import('@jupyterlab/console-extension'),
    import('@jupyterlab/docmanager-extension'),
    import('@jupyterlab/documentsearch-extension'),
    import('@jupyterlab/filebrowser-extension'),
    import('@jupyterlab/fileeditor-extension'),
    import('@jupyterlab/help-extension'),
    import('@jupyterlab/launcher-extension'),
    import('@jupyterlab/mainmenu-extension'),
    import('@jupyterlab/markdownviewer-extension'),
    import('@jupyterlab/markedparser-extension'),
    import('@jupyterlab/mathjax-extension'),
    import('@jupyterlab/notebook-extension'),
    import('@jupyterlab/rendermime-extension'),
    import('@jupyterlab/running-extension'),
    import('@jupyterlab/services-extension'),
    import('@jupyterlab/settingeditor-extension'),
    import('@jupyterlab/shortcuts-extension'),
    import('@jupyterlab/statusbar-extension'),
    import('@jupyterlab/theme-dark-extension'),
    import('@jupyterlab/theme-light-extension'),
    import('@jupyterlab/toc-extension'),
    import('@jupyterlab/tooltip-extension'),
    import('@jupyterlab/translation-extension'),
    import('@jupyterlab/ui-components-extension'),
    import('@jupyterlite/application-extension'),
    import('@jupyterlite/apputils-extension'),
    import('@jupyterlite/services-extension'),
  ]);
  const mimeModules = await Promise.all([import('@jupyterlab/javascript-extension'), import('@jupyterlab/json-extension')]);
  const mimeExtensions = [...mimeModules.flatMap((m) => pluginsOf(m)), plotlyRendererExtension] as unknown as IRenderMime.IExtensionModule[];
  const plugins = [...extensions.flatMap((m) => pluginsOf(m)), glasslabKernelPlugin];

  const pluginRegistry = new PluginRegistry();
  pluginRegistry.registerPlugins(plugins as never);
  const serviceManager = await pluginRegistry.resolveRequiredService(IServiceManager);
  const app = new JupyterLab({ pluginRegistry, mimeExtensions, serviceManager, availablePlugins: plugins as never } as never);
  (app as unknown as { name: string }).name = PageConfig.getOption('appName') || 'glasslab';
  if ((PageConfig.getOption('exposeAppInBrowser') || '').toLowerCase() === 'true') (window as unknown as { jupyterapp: unknown }).jupyterapp = app;
  await app.start({ bubblingKeydown: true });
  await app.restored;
}

void main().catch((err) => {
  console.error('glasslab site failed to start', err);
  document.body.insertAdjacentHTML('afterbegin', `<pre style="color:#b00;padding:1em">glasslab site failed to start: ${String(err?.stack ?? err)}</pre>`);
});
