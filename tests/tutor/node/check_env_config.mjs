// Evaluates an env.config.jsx rendered by Tutor (tutor-mfe) the way an MFE build uses it: its default
// export is called, it imports @openedx/frontend-plugin-framework dynamically, and each slot's
// operations are then applied to the slot's default widget.
//
// Input (stdin, JSON): {"file": <rendered env.config.jsx>, "appId": <MFE name>,
//                       "defaults": {<slot id>: <props the header gives the slot's default widget>}}
// Output (stdout, JSON): {"slots": {<slot id>: {"keepDefault", "ops": [[op, widgetId]]}},
//                         "props": {<slot id>: <props after the Modify operations>}, "errors": [...]}
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const input = JSON.parse(readFileSync(0, 'utf8'));
const require = createRequire(import.meta.url);
// Only the framework's constants: its index pulls in React and the platform, which an MFE build has.
const constants = require.resolve('@openedx/frontend-plugin-framework/dist/plugins/data/constants.js');

// The rendered file, as an ES module beside a package that resolves the framework's import.
const dir = mkdtempSync(join(tmpdir(), 'env-config-'));
const framework = join(dir, 'node_modules', '@openedx', 'frontend-plugin-framework');
mkdirSync(framework, { recursive: true });
writeFileSync(join(framework, 'package.json'), JSON.stringify({ name: '@openedx/frontend-plugin-framework', main: 'index.cjs' }));
writeFileSync(join(framework, 'index.cjs'), `module.exports = require(${JSON.stringify(constants)});\n`);
copyFileSync(input.file, join(dir, 'env.config.mjs'));

const errors = [];
console.error = (...args) => { errors.push(args.map(String).join(' ')); };
process.env.APP_ID = input.appId;

const { PLUGIN_OPERATIONS } = require(constants);
const setConfig = (await import(pathToFileURL(join(dir, 'env.config.mjs')).href)).default;
const config = await setConfig();

const slots = {};
const props = {};
for (const [slotId, slot] of Object.entries(config.pluginSlots || {})) {
  slots[slotId] = { keepDefault: slot.keepDefault, ops: slot.plugins.map((p) => [p.op, p.widgetId || (p.widget && p.widget.id)]) };
  if (!(slotId in (input.defaults || {}))) {
    continue;
  }
  // As frontend-plugin-framework 1.8.0 src/plugins/data/utils.jsx organizePlugins does for Modify,
  // and PluginSlot.jsx then merges `content` into the default widget's props (the header's slots
  // set mergeProps: true).
  let widget = { id: 'default_contents', priority: 50, RenderWidget: { props: input.defaults[slotId] } };
  for (const change of slot.plugins) {
    if (change.op === PLUGIN_OPERATIONS.Modify && change.widgetId === widget.id) {
      widget = change.fn({ content: {}, ...widget });
    }
  }
  props[slotId] = { ...input.defaults[slotId], ...(widget.content || {}) };
}
process.stdout.write(JSON.stringify({ slots, props, errors }));
