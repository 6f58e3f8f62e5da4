/** The self-contained HTML report page (validate, drift, demo: `--format html`). */
export { renderHtmlPage, statusText, esc, CSP, STATUS_ICON, STATUS_WORD } from "./render";
export type { HtmlPageOptions } from "./render";
export { buildModel, worst, NODES, LINKS, CHECK_NODE, DRIFT_TYPE_NODE } from "./model";
export type { ChainNode, Item, NodeId, NodeState, NodeStatus, PageModel } from "./model";
