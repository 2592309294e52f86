import { lineChart, type ChartSpec, type Series } from '../svgChart.js';

const chart = (series: Series[], extra: Partial<ChartSpec> = {}) =>
  lineChart({ title: 'Response time', xLabel: 'seconds since start', yLabel: 'ms', series, ...extra });

/** Every element closed in order, and no raw `&` or `<` outside markup: enough of XML for these documents. */
function expectWellFormed(svg: string) {
  const open: string[] = [];
  for (const [, closing, name, selfClosing] of svg.matchAll(/<(\/?)([a-zA-Z][\w:-]*)[^>]*?(\/?)>/g)) {
    if (closing) expect(open.pop()).toBe(name);
    else if (!selfClosing) open.push(name ?? '');
  }
  expect(open).toEqual([]);
  expect(svg.replace(/<[^>]*>/g, '')).not.toMatch(/<|&(?!(amp|lt|gt|quot|apos);)/);
}

const attribute = (tag: string, name: string) => Number(new RegExp(`\\s${name}="([^"]*)"`).exec(tag)?.[1]);

function plotArea(svg: string) {
  const rect = /<rect class="plot-area"[^>]*>/.exec(svg)?.[0] ?? '';
  const [x = NaN, y = NaN, width = NaN, height = NaN] = ['x', 'y', 'width', 'height'].map((name) =>
    attribute(rect, name),
  );
  return { left: x, top: y, right: x + width, bottom: y + height };
}

const polylinePoints = (svg: string) =>
  [...svg.matchAll(/<polyline[^>]*\spoints="([^"]*)"/g)].map(([, points]) =>
    (points ?? '').split(' ').map((pair) => pair.split(',').map(Number) as [number, number]),
  );

const tickLabels = (svg: string, axis: 'x' | 'y') =>
  [...svg.matchAll(new RegExp(`<text class="tick-${axis}"[^>]*>([^<]*)</text>`, 'g'))].map(([, label]) => label);

describe('lineChart', () => {
  it('should write a standalone, well-formed SVG document with one line per series that has points', () => {
    const svg = chart([
      {
        name: 'p50',
        points: [
          { x: 0, y: 10 },
          { x: 1, y: 12 },
        ],
      },
      {
        name: 'p99',
        points: [
          { x: 0, y: 40 },
          { x: 1, y: 90 },
        ],
      },
      { name: 'errors', points: [] },
    ]);
    expect(svg.startsWith('<svg ')).toBe(true);
    expect(svg).toContain('xmlns="http://www.w3.org/2000/svg"');
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    expectWellFormed(svg);
    expect(svg.match(/<polyline/g)).toHaveLength(2);
    expect(svg).toMatch(/<title[^>]*>Response time<\/title>/);
    expect(svg).toMatch(/<desc[^>]*>[^<]*ms against seconds since start/);
  });

  it('should list a series without points in the legend but draw nothing for it', () => {
    const svg = chart([{ name: 'errors', points: [] }]);
    expect(svg).not.toContain('<polyline');
    expect(svg).toMatch(/<text class="legend"[^>]*>errors \(no data\)<\/text>/);
  });

  it('should escape every piece of text', () => {
    const svg = chart([{ name: 'a & <b>', points: [{ x: 0, y: 1 }] }], {
      title: 'x < y & "z"',
      xLabel: '<users>',
      yLabel: "req's",
    });
    expectWellFormed(svg);
    expect(svg).toContain('a &amp; &lt;b&gt;');
    expect(svg).toContain('x &lt; y &amp; &quot;z&quot;');
    expect(svg).toContain('&lt;users&gt;');
    expect(svg).toContain('req&apos;s');
    expect(svg).not.toContain('<b>');
  });

  it.each([
    [937, '1000'],
    [4.2, '5'],
    [1000, '1000'],
    [0.37, '0.4'],
    [12_345, '15000'],
  ])('should end the y axis on a 1/2/5 × 10ⁿ step above the data: max %p → top tick %p', (max, top) => {
    const labels = tickLabels(chart([{ name: 's', points: [{ x: 0, y: max }] }]), 'y');
    expect(Number(labels[0])).toBe(0);
    expect(labels.at(-1)).toBe(top);
    expect(labels.length).toBeGreaterThanOrEqual(3);
    expect(labels.length).toBeLessThanOrEqual(7);
  });

  it('should span the x axis over the data with nice ticks inside it', () => {
    const labels = tickLabels(
      chart([
        {
          name: 's',
          points: [
            { x: 3, y: 1 },
            { x: 97, y: 2 },
          ],
        },
      ]),
      'x',
    );
    expect(labels).toEqual(['20', '40', '60', '80']);
  });

  it('should put y = 0 at the bottom of the plot, the top tick at its top, and the data between its edges', () => {
    const svg = chart([
      {
        name: 's',
        points: [
          { x: 10, y: 0 },
          { x: 20, y: 500 },
          { x: 30, y: 1000 },
        ],
      },
    ]);
    const plot = plotArea(svg);
    const [line] = polylinePoints(svg);
    // Within half a pixel: the plot area's corners and the points are each rounded to one decimal.
    const near = (x: number, y: number) => [expect.closeTo(x, 0), expect.closeTo(y, 0)];
    expect(line).toEqual([
      near(plot.left, plot.bottom),
      near((plot.left + plot.right) / 2, (plot.top + plot.bottom) / 2),
      near(plot.right, plot.top),
    ]);
  });

  it('should put a y below the nice maximum in proportion: 937 of 1000 is 93.7% of the way up', () => {
    const svg = chart([
      {
        name: 's',
        points: [
          { x: 0, y: 0 },
          { x: 1, y: 937 },
        ],
      },
    ]);
    const plot = plotArea(svg);
    const [, [, y] = [0, 0]] = polylinePoints(svg)[0] ?? [];
    expect((plot.bottom - y) / (plot.bottom - plot.top)).toBeCloseTo(0.937, 2);
  });

  it('should draw points in x order whatever order they came in', () => {
    const [line = []] = polylinePoints(
      chart([
        {
          name: 's',
          points: [
            { x: 2, y: 1 },
            { x: 0, y: 1 },
            { x: 1, y: 1 },
          ],
        },
      ]),
    );
    const xs = line.map(([x]) => x);
    expect(xs).toEqual([...xs].sort((a, b) => a - b));
  });

  it('should skip NaN and infinite points', () => {
    const svg = chart([
      {
        name: 's',
        points: [
          { x: 0, y: 1 },
          { x: 1, y: Number.NaN },
          { x: Number.POSITIVE_INFINITY, y: 1 },
          { x: 2, y: Number.NEGATIVE_INFINITY },
          { x: 3, y: 2 },
        ],
      },
    ]);
    expect(svg).not.toMatch(/NaN|Infinity/);
    expect(polylinePoints(svg)[0]).toHaveLength(2);
    expect(tickLabels(svg, 'y').at(-1)).toBe('2.0');
  });

  it('should draw empty axes from 0 to 1 for no series at all, labels in one number of decimals', () => {
    const svg = chart([]);
    expectWellFormed(svg);
    expect(svg).not.toContain('<polyline');
    expect(tickLabels(svg, 'y')).toEqual(['0.0', '0.2', '0.4', '0.6', '0.8', '1.0']);
    expect(tickLabels(svg, 'x')).toEqual(['0.0', '0.2', '0.4', '0.6', '0.8', '1.0']);
  });

  it('should write every coordinate with at most one decimal, and the same document twice', () => {
    const series = [
      {
        name: 's',
        points: [
          { x: 0.123456, y: 1 / 3 },
          { x: 7.654321, y: 2 / 3 },
        ],
      },
    ];
    const svg = chart(series);
    expect(svg).toBe(chart(series));
    for (const [, value] of svg.matchAll(/\s(?:x|y|x1|y1|x2|y2|width|height)="([^"]*)"/g)) {
      expect(value).toMatch(/^-?\d+(\.\d)?$/);
    }
    for (const [x, y] of polylinePoints(svg).flat()) {
      expect(String(x)).toMatch(/^-?\d+(\.\d)?$/);
      expect(String(y)).toMatch(/^-?\d+(\.\d)?$/);
    }
  });

  it('should give each of the first six series its own colour', () => {
    const series = Array.from({ length: 6 }, (_, i) => ({ name: `s${i}`, points: [{ x: i, y: i }] }));
    const colours = [...chart(series).matchAll(/<polyline[^>]*stroke="([^"]*)"/g)].map(([, colour]) => colour);
    expect(new Set(colours).size).toBe(6);
  });
});
