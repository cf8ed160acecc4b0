// The usage webview: spend against the budget, cost and tokens per day stacked by model, a per-model table and
// a per-client table (Codex, Claude Code, the chat view, …).
// Everything shown comes from the host's `usage` message; DOM is built with textContent only.
import { Chart, BarController, BarElement, CategoryScale, LinearScale, Legend, Tooltip, type ChartDataset } from 'chart.js';
import { usageHostMessage, type UsageHostMessage, type UsageWebviewMessage } from '../../src/usageProtocol';
import { formatUsd } from '../../src/core/base/format';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Legend, Tooltip);

type UsageMessage = Extract<UsageHostMessage, { type: 'usage' }>;
type Summary = UsageMessage['summary'];

interface VsCodeApi {
  postMessage(message: UsageWebviewMessage): void;
  getState(): unknown;
  setState(state: unknown): void;
}

const vscode = (globalThis as unknown as { acquireVsCodeApi: () => VsCodeApi }).acquireVsCodeApi();
const app = document.getElementById('app') as HTMLElement;

// ---- formatting -------------------------------------------------------------------------------------------------

const integer = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });
const tokens = (n: number) => integer.format(n);
const ms = (n: number) => `${integer.format(n)} ms`;
/** What the budget line adds for each budget action. */
const BUDGET_NOTE: Record<UsageMessage['budget']['action'], string> = {
  ok: '',
  warn: ' — warning',
  block: ' — requests blocked',
  downgrade: ' — downgrading to cheaper models',
};

// ---- DOM helpers ------------------------------------------------------------------------------------------------

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: { className?: string; text?: string; testId?: string; title?: string } = {},
  children: Node[] = [],
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (props.className) node.className = props.className;
  if (props.text !== undefined) node.textContent = props.text;
  if (props.testId) node.dataset.testid = props.testId;
  if (props.title) node.title = props.title;
  for (const c of children) node.append(c);
  return node;
}

// ---- theme colours ----------------------------------------------------------------------------------------------

const PALETTE_VARS = [
  '--vscode-charts-blue',
  '--vscode-charts-orange',
  '--vscode-charts-green',
  '--vscode-charts-purple',
  '--vscode-charts-yellow',
  '--vscode-charts-red',
];
const FALLBACK_PALETTE = ['#3794ff', '#d18616', '#89d185', '#b180d7', '#cca700', '#f14c4c'];

function cssVar(name: string, fallback: string): string {
  return getComputedStyle(document.body).getPropertyValue(name).trim() || fallback;
}

function theme() {
  return {
    palette: PALETTE_VARS.map((v, i) => cssVar(v, FALLBACK_PALETTE[i])),
    foreground: cssVar('--vscode-foreground', '#cccccc'),
    grid: cssVar('--vscode-editorWidget-border', 'rgba(128,128,128,0.3)'),
    font: cssVar('--vscode-font-family', 'sans-serif'),
  };
}

// ---- layout (built once) ----------------------------------------------------------------------------------------

const todaySpend = el('span', { className: 'value', testId: 'usage-today-spend' });
const monthSpend = el('span', { className: 'value', testId: 'usage-month-spend' });
const totalCost = el('span', { className: 'value', testId: 'usage-total-cost' });
const totalRequests = el('span', { className: 'value', testId: 'usage-total-requests' });
const budgetLine = el('p', { className: 'budget', testId: 'usage-budget' });
const budgetMeter = el('div', { className: 'meter' }, [el('div', { className: 'meter-fill' })]);
const windowLabel = el('span', { className: 'label' });
const costCanvas = el('canvas');
const tokenCanvas = el('canvas');
const tableBody = el('tbody');
const emptyNote = el('p', { className: 'muted', text: 'No requests recorded yet. Ask a model and this view updates live.', testId: 'usage-empty' });
const exportButton = el('button', { text: 'Export CSV', testId: 'usage-export' });
const exportStatus = el('span', { className: 'muted', testId: 'usage-export-status' });

costCanvas.setAttribute('role', 'img');
costCanvas.setAttribute('aria-label', 'Cost per day by model');
tokenCanvas.setAttribute('role', 'img');
tokenCanvas.setAttribute('aria-label', 'Tokens per day by model');

function card(label: string | HTMLElement, value: HTMLElement, extra: Node[] = []): HTMLElement {
  return el('section', { className: 'card' }, [typeof label === 'string' ? el('span', { className: 'label', text: label }) : label, value, ...extra]);
}

function headerCell(text: string, title?: string): HTMLElement {
  const th = el('th', { text, title });
  th.scope = 'col';
  return th;
}

const table = el('table', { className: 'models' }, [
  el('thead', {}, [
    el('tr', {}, [
      headerCell('Model'),
      headerCell('Requests'),
      headerCell('Prompt tokens', 'Including cached'),
      headerCell('Cached'),
      headerCell('Completion tokens', 'Including reasoning'),
      headerCell('Reasoning'),
      headerCell('Cost'),
      headerCell('Fallbacks', 'Answers given as a fallback / attempts that failed and moved on'),
      headerCell('First token p50 / p95'),
      headerCell('Total p50 / p95'),
    ]),
  ]),
  tableBody,
]);

const clientBody = el('tbody');
const clientTable = el('table', { className: 'models', testId: 'usage-clients' }, [
  el('thead', {}, [el('tr', {}, [headerCell('Client'), headerCell('Requests'), headerCell('Tokens', 'Prompt + completion'), headerCell('Cost')])]),
  clientBody,
]);

exportButton.addEventListener('click', () => {
  exportButton.disabled = true;
  exportStatus.textContent = 'Choosing a file…';
  vscode.postMessage({ type: 'exportCsv' });
});

app.replaceChildren(
  el('header', {}, [el('h1', { text: 'Switchboard Usage' }), el('div', { className: 'actions' }, [exportButton, exportStatus])]),
  el('div', { className: 'cards' }, [
    card('Today', todaySpend),
    card('This month', monthSpend, [budgetMeter, budgetLine]),
    card(windowLabel, totalCost),
    card('Requests', totalRequests),
  ]),
  emptyNote,
  el('div', { className: 'charts' }, [
    el('figure', {}, [el('figcaption', { text: 'Cost per day (USD)' }), el('div', { className: 'chart-box' }, [costCanvas])]),
    el('figure', {}, [el('figcaption', { text: 'Tokens per day' }), el('div', { className: 'chart-box' }, [tokenCanvas])]),
  ]),
  el('h2', { text: 'Per model' }),
  el('div', { className: 'table-wrap' }, [table]),
  el('h2', { text: 'Per client' }),
  el('div', { className: 'table-wrap' }, [clientTable]),
);

// ---- rendering --------------------------------------------------------------------------------------------------

type BarChart = Chart<'bar', number[], string>;
let costChart: BarChart | undefined;
let tokenChart: BarChart | undefined;
let last: UsageMessage | undefined;

function datasets(summary: Summary, pick: 'costUsd' | 'tokens', palette: string[]): ChartDataset<'bar', number[]>[] {
  const dayIndex = new Map(summary.days.map((d, i) => [d, i]));
  const byModel = new Map<string, number[]>();
  for (const row of summary.perDay) {
    const i = dayIndex.get(row.day);
    if (i === undefined || row[pick] === 0) continue;
    let data = byModel.get(row.model);
    if (!data) {
      data = summary.days.map(() => 0);
      byModel.set(row.model, data);
    }
    data[i] += row[pick];
  }
  // Same colour for a model in both charts: the order of the per-model table.
  const order = summary.perModel.map((m) => m.model);
  return [...byModel.entries()]
    .sort(([a], [b]) => order.indexOf(a) - order.indexOf(b))
    .map(([model, data]) => {
      const colour = palette[order.indexOf(model) % palette.length];
      return { label: model, data, backgroundColor: colour, borderColor: colour, stack: 'models' };
    });
}

function drawChart(existing: BarChart | undefined, canvas: HTMLCanvasElement, summary: Summary, pick: 'costUsd' | 'tokens'): BarChart {
  const t = theme();
  const labels = summary.days.map((d) => d.slice(5));
  const data = { labels, datasets: datasets(summary, pick, t.palette) };
  const format = pick === 'costUsd' ? (v: number) => formatUsd(v) : (v: number) => tokens(v);
  if (existing) {
    existing.data = data;
    existing.update('none');
    return existing;
  }
  return new Chart<'bar', number[], string>(canvas, {
    type: 'bar',
    data,
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      color: t.foreground,
      font: { family: t.font },
      scales: {
        x: { stacked: true, ticks: { color: t.foreground }, grid: { color: t.grid } },
        y: { stacked: true, beginAtZero: true, ticks: { color: t.foreground, callback: (v) => format(Number(v)) }, grid: { color: t.grid } },
      },
      plugins: {
        legend: { labels: { color: t.foreground } },
        tooltip: { callbacks: { label: (ctx) => `${ctx.dataset.label ?? ''}: ${format(Number(ctx.parsed.y))}` } },
      },
    },
  });
}

/** Billed (the upstream's own figure), priced (tokens × catalog prices) and estimated (tokens counted locally) apart. */
function costBreakdown(m: Summary['perModel'][number]): string {
  const priced = Math.max(0, m.costUsd - m.billedUsd - m.estimatedUsd);
  return `$${m.costUsd}: billed $${m.billedUsd}, priced $${priced}, estimated $${m.estimatedUsd}`;
}

function modelRow(m: Summary['perModel'][number]): HTMLTableRowElement {
  const row = el('tr', { testId: 'usage-model-row' });
  row.dataset.model = m.model;
  const estimated = m.estimated > 0 ? ` (${m.estimated} estimated)` : '';
  const cells: [string, string?][] = [
    [m.model],
    [`${integer.format(m.requests)}${estimated}`],
    [tokens(m.promptTokens)],
    [tokens(m.cachedTokens)],
    [tokens(m.completionTokens)],
    [tokens(m.reasoningTokens)],
    [formatUsd(m.costUsd), costBreakdown(m)],
    [`${m.answeredAsFallback} / ${m.failures}`],
    [m.requests ? `${ms(m.p50FirstTokenMs)} / ${ms(m.p95FirstTokenMs)}` : '—'],
    [m.requests ? `${ms(m.p50TotalMs)} / ${ms(m.p95TotalMs)}` : '—'],
  ];
  cells.forEach(([text, title], i) => {
    const cell = el(i === 0 ? 'th' : 'td', { text, title, className: i === 0 ? 'model-id' : 'num' });
    if (i === 0) (cell as HTMLTableCellElement).scope = 'row';
    row.append(cell);
  });
  return row;
}

function clientRow(c: Summary['byClient'][number]): HTMLTableRowElement {
  const row = el('tr', { testId: 'usage-client-row' });
  row.dataset.client = c.client;
  const name = el('th', { text: c.label, className: 'model-id' });
  name.scope = 'row';
  row.append(
    name,
    el('td', { className: 'num', text: integer.format(c.requests) }),
    el('td', {
      className: 'num',
      text: tokens(c.promptTokens + c.completionTokens),
      title: `${tokens(c.promptTokens)} prompt + ${tokens(c.completionTokens)} completion`,
    }),
    el('td', { className: 'num', text: formatUsd(c.costUsd), title: `$${c.costUsd}` }),
  );
  return row;
}

function render(message: UsageMessage): void {
  const { summary, budget, windowDays } = message;
  todaySpend.textContent = formatUsd(summary.todaySpentUsd);
  monthSpend.textContent = budget.limitUsd > 0 ? `${formatUsd(summary.monthSpentUsd)} of ${formatUsd(budget.limitUsd)}` : formatUsd(summary.monthSpentUsd);
  totalCost.textContent = formatUsd(summary.totalCostUsd);
  totalCost.title = `$${summary.totalCostUsd}`;
  totalRequests.textContent = `${integer.format(summary.totalRequests)} · ${tokens(summary.totalTokens)} tokens`;
  windowLabel.textContent = `Last ${windowDays} days`;

  const fill = budgetMeter.firstElementChild as HTMLElement;
  budgetMeter.hidden = budget.limitUsd === 0;
  fill.style.width = `${Math.min(100, budget.fraction * 100)}%`;
  budgetMeter.dataset.action = budget.action;
  budgetLine.dataset.action = budget.action;
  budgetLine.textContent =
    budget.limitUsd === 0
      ? 'No monthly budget set (switchboard.budget.monthlyUsd).'
      : `${Math.floor(budget.fraction * 100)} % of the monthly budget${BUDGET_NOTE[budget.action]}.`;

  emptyNote.hidden = summary.perModel.length > 0;
  tableBody.replaceChildren(...summary.perModel.map(modelRow));
  clientBody.replaceChildren(...summary.byClient.map(clientRow));
  costChart = drawChart(costChart, costCanvas, summary, 'costUsd');
  tokenChart = drawChart(tokenChart, tokenCanvas, summary, 'tokens');
}

/** Theme switches change the CSS variables; charts cache colours, so rebuild them. */
function rebuildCharts(): void {
  costChart?.destroy();
  tokenChart?.destroy();
  costChart = tokenChart = undefined;
  if (last) render(last);
}

new MutationObserver(rebuildCharts).observe(document.body, { attributes: true, attributeFilter: ['class'] });

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const parsed = usageHostMessage.safeParse(event.data);
  if (!parsed.success) return;
  const message = parsed.data;
  switch (message.type) {
    case 'usage':
      last = message;
      vscode.setState(message);
      render(message);
      return;
    case 'exported':
      exportButton.disabled = false;
      exportStatus.textContent = message.message;
      return;
  }
});

const restored = usageHostMessage.safeParse(vscode.getState());
if (restored.success && restored.data.type === 'usage') {
  last = restored.data;
  render(restored.data);
}
vscode.postMessage({ type: 'ready' });
