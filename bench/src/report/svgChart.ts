// Line charts for the benchmark report (response time and throughput over time or over users), written as
// standalone SVG by hand so the report needs no charting dependency and the same numbers give the same bytes.

export interface Series {
  name: string;
  points: ReadonlyArray<{ x: number; y: number }>;
}

export interface ChartSpec {
  title: string;
  /** e.g. "seconds since start" or "virtual users" */
  xLabel: string;
  /** e.g. "ms" or "requests/s" */
  yLabel: string;
  series: readonly Series[];
  /** default 720 */
  width?: number;
  /** default 360 */
  height?: number;
}

interface Point {
  x: number;
  y: number;
}

interface Axis {
  lo: number;
  hi: number;
  ticks: number[];
  /** Decimals the tick labels need, so a 0.2 step does not print as 0.6000000000000001. */
  decimals: number;
}

interface Box {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

// Okabe–Ito: tells apart under the common colour-vision deficiencies. Its yellow is left out: unreadable on white.
const PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000'];
const FONT_SIZE = 12;
// Centres text on its y: dominant-baseline would, but not every SVG renderer honours it.
const MIDDLE = 'dy="0.35em"';
// SVG cannot measure text before it is rendered, so widths are estimated generously for a 12px sans-serif.
const CHAR_WIDTH = 7;
const TARGET_TICKS = 5;
const SWATCH = 20;
const GAP = 8;

/** A complete standalone SVG document: a line per series, axes, tick labels, a legend on the right. */
export function lineChart(spec: ChartSpec): string {
  const width = spec.width ?? 720;
  const height = spec.height ?? 360;
  const series = spec.series.map((s) => ({ name: s.name, points: drawablePoints(s.points) }));
  const all = series.flatMap((s) => s.points);
  const xAxis = dataRangeAxis(all.map((p) => p.x));
  const yAxis = zeroBasedAxis(all.map((p) => p.y));
  const legendWidth = legendColumnWidth(series, width);
  const plot: Box = {
    left: 2 * FONT_SIZE + GAP + longestTickLabel(yAxis) * CHAR_WIDTH + GAP,
    top: 3 * FONT_SIZE,
    // The last x tick label is centred on the plot's edge, so leave it half a label of room.
    right: width - Math.max(legendWidth, (longestTickLabel(xAxis) * CHAR_WIDTH) / 2 + GAP),
    bottom: height - 2 * FONT_SIZE - 3 * GAP,
  };
  const toPixel = (p: Point): Point => ({
    x: scale(p.x, xAxis, plot.left, plot.right),
    y: scale(p.y, yAxis, plot.bottom, plot.top),
  });
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}"` +
      ` role="img" aria-labelledby="chart-title chart-desc" font-family="system-ui, sans-serif" font-size="${FONT_SIZE}">`,
    `<title id="chart-title">${escapeXml(spec.title)}</title>`,
    `<desc id="chart-desc">${escapeXml(describe(spec, series))}</desc>`,
    // Without a background the chart is unreadable in viewers with a dark page.
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    `<text x="${num(plot.left)}" y="${num(2 * FONT_SIZE - 4)}" font-size="${FONT_SIZE + 3}" font-weight="bold">${escapeXml(spec.title)}</text>`,
    ...yTicks(yAxis, plot, toPixel),
    ...xTicks(xAxis, plot, toPixel),
    ...axisLines(plot, toPixel({ x: xAxis.lo, y: 0 }).y),
    ...axisLabels(spec, plot, height),
    ...series.flatMap((s, i) => seriesLine(s.points.map(toPixel), s.name, i)),
    ...legend(series, plot, legendWidth),
    '</svg>',
    '',
  ].join('\n');
}

/** Points that can be drawn, in x order so a line never doubles back on itself. */
function drawablePoints(points: ReadonlyArray<Point>): Point[] {
  return points.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y)).sort((a, b) => a.x - b.x);
}

/** The smallest step of 1, 2 or 5 × 10ⁿ that cuts `span` into at most TARGET_TICKS parts. */
function niceStep(span: number): number {
  const raw = span / TARGET_TICKS;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const nice = [1, 2, 5, 10].find((m) => m * magnitude >= raw * (1 - 1e-9)) ?? 10;
  return nice * magnitude;
}

function axis(lo: number, hi: number, step: number): Axis {
  const ticks: number[] = [];
  // Multiplying whole steps, with some slack, keeps the last tick that float division would lose.
  for (let k = Math.ceil(lo / step - 1e-9); k <= Math.floor(hi / step + 1e-9); k++) ticks.push(k * step);
  return { lo, hi, ticks, decimals: Math.max(0, -Math.floor(Math.log10(step))) };
}

/** y starts at 0, since a cut-off axis makes small changes in latency look large, and ends on a whole step. */
function zeroBasedAxis(values: readonly number[]): Axis {
  const lo = Math.min(0, ...values);
  const hi = Math.max(0, ...values);
  if (hi === lo) return axis(0, 1, niceStep(1));
  const step = niceStep(hi - lo);
  return axis(Math.floor(lo / step) * step, Math.ceil(hi / step) * step, step);
}

/** x spans exactly the data: a run's first and last second are its edges. */
function dataRangeAxis(values: readonly number[]): Axis {
  if (values.length === 0) return axis(0, 1, niceStep(1));
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  // A single x still needs a width to be drawn in; centre it.
  if (hi === lo) return axis(lo - 0.5, hi + 0.5, niceStep(1));
  return axis(lo, hi, niceStep(hi - lo));
}

function scale(value: number, { lo, hi }: Axis, from: number, to: number): number {
  return from + ((value - lo) / (hi - lo)) * (to - from);
}

function tickLabel(value: number, { decimals }: Axis): string {
  return value.toFixed(decimals);
}

function longestTickLabel(a: Axis): number {
  return Math.max(0, ...a.ticks.map((t) => tickLabel(t, a).length));
}

function yTicks(a: Axis, plot: Box, toPixel: (p: Point) => Point): string[] {
  return a.ticks.flatMap((t) => {
    const y = num(toPixel({ x: 0, y: t }).y);
    return [
      `<line x1="${num(plot.left)}" y1="${y}" x2="${num(plot.right)}" y2="${y}" stroke="#e5e5e5"/>`,
      `<text class="tick-y" x="${num(plot.left - GAP)}" y="${y}" text-anchor="end" ${MIDDLE} fill="#333">${tickLabel(t, a)}</text>`,
    ];
  });
}

function xTicks(a: Axis, plot: Box, toPixel: (p: Point) => Point): string[] {
  return a.ticks.flatMap((t) => {
    const x = num(toPixel({ x: t, y: 0 }).x);
    return [
      `<line x1="${x}" y1="${num(plot.bottom)}" x2="${x}" y2="${num(plot.bottom + 4)}" stroke="#333"/>`,
      `<text class="tick-x" x="${x}" y="${num(plot.bottom + 4 + FONT_SIZE + 2)}" text-anchor="middle" fill="#333">${tickLabel(t, a)}</text>`,
    ];
  });
}

/** The x axis sits at y = 0, which is the bottom unless some value is negative. */
function axisLines(plot: Box, zeroY: number): string[] {
  return [
    `<rect class="plot-area" x="${num(plot.left)}" y="${num(plot.top)}" width="${num(plot.right - plot.left)}" height="${num(plot.bottom - plot.top)}" fill="none" stroke="#ccc"/>`,
    `<line x1="${num(plot.left)}" y1="${num(zeroY)}" x2="${num(plot.right)}" y2="${num(zeroY)}" stroke="#333"/>`,
    `<line x1="${num(plot.left)}" y1="${num(plot.top)}" x2="${num(plot.left)}" y2="${num(plot.bottom)}" stroke="#333"/>`,
  ];
}

function axisLabels(spec: ChartSpec, plot: Box, height: number): string[] {
  const midX = num((plot.left + plot.right) / 2);
  const midY = num((plot.top + plot.bottom) / 2);
  return [
    `<text x="${midX}" y="${num(height - GAP)}" text-anchor="middle">${escapeXml(spec.xLabel)}</text>`,
    `<text transform="translate(${FONT_SIZE + 2} ${midY}) rotate(-90)" text-anchor="middle">${escapeXml(spec.yLabel)}</text>`,
  ];
}

/** Colours repeat after the palette runs out, so later series are dashed to stay distinguishable. */
function stroke(index: number): string {
  const colour = PALETTE[index % PALETTE.length] ?? '#000';
  const dash = index >= PALETTE.length ? ' stroke-dasharray="6 3"' : '';
  return `stroke="${colour}" stroke-width="2"${dash}`;
}

function seriesLine(pixels: readonly Point[], name: string, index: number): string[] {
  if (pixels.length === 0) return [];
  // A lone point is a zero-length line; repeating it lets the round cap draw it as a dot.
  const drawn = pixels.length === 1 ? [...pixels, ...pixels] : pixels;
  const points = drawn.map((p) => `${num(p.x)},${num(p.y)}`).join(' ');
  return [
    `<polyline fill="none" ${stroke(index)} stroke-linejoin="round" stroke-linecap="round" points="${points}"><title>${escapeXml(name)}</title></polyline>`,
  ];
}

/** Wide enough for the longest name, but never more than a third of the chart: the plot matters more. */
function legendColumnWidth(series: ReadonlyArray<{ name: string; points: readonly Point[] }>, width: number): number {
  if (series.length === 0) return 0;
  const longest = Math.max(...series.map((s) => legendText(s, Infinity).length));
  return Math.min(2 * GAP + SWATCH + GAP + longest * CHAR_WIDTH, Math.floor(width / 3));
}

/** A series with nothing to draw says so, rather than leaving the reader to look for its line. */
function legendText(s: { name: string; points: readonly Point[] }, maxChars: number): string {
  const text = s.points.length === 0 ? `${s.name} (no data)` : s.name;
  return text.length <= maxChars ? text : `${text.slice(0, Math.max(1, maxChars - 1))}…`;
}

function legend(series: ReadonlyArray<{ name: string; points: readonly Point[] }>, plot: Box, columnWidth: number) {
  const left = plot.right + 2 * GAP;
  const maxChars = Math.floor((columnWidth - 2 * GAP - SWATCH - GAP) / CHAR_WIDTH);
  return series.flatMap((s, i) => {
    const y = num(plot.top + FONT_SIZE / 2 + i * (FONT_SIZE + GAP));
    return [
      `<line x1="${num(left)}" y1="${y}" x2="${num(left + SWATCH)}" y2="${y}" ${stroke(i)}/>`,
      `<text class="legend" x="${num(left + SWATCH + GAP)}" y="${y}" ${MIDDLE}>${escapeXml(legendText(s, maxChars))}</text>`,
    ];
  });
}

/** What a screen reader says instead of showing the chart: the axes and each series' extent. */
function describe(spec: ChartSpec, series: ReadonlyArray<{ name: string; points: readonly Point[] }>): string {
  const lines = series.map((s) => {
    if (s.points.length === 0) return `${s.name}: no data.`;
    const ys = s.points.map((p) => p.y);
    const count = s.points.length === 1 ? '1 point' : `${s.points.length} points`;
    return `${s.name}: ${count}, ${spec.yLabel} from ${num(Math.min(...ys))} to ${num(Math.max(...ys))}.`;
  });
  return [`Line chart of ${spec.yLabel} against ${spec.xLabel}.`, ...lines].join(' ');
}

/** One decimal is finer than a pixel and keeps the output the same from run to run. */
function num(value: number): string {
  return String(Math.round(value * 10) / 10);
}

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);
}
