import { createBatcher } from '../index.js';

describe('createBatcher', () => {
  it('should send a lone item at once, and group items that arrive while a batch runs', async () => {
    const batches: number[][] = [];
    let release: () => void = () => {};
    const batcher = createBatcher<number, number>({
      maxBatch: 3,
      run: async (items) => {
        batches.push(items);
        if (batches.length === 1) await new Promise<void>((resolve) => (release = resolve));
        return items.map((item) => item * 10);
      },
    });

    const first = batcher.submit(1);
    const rest = [2, 3, 4, 5, 6].map((item) => batcher.submit(item));
    release();

    expect(await Promise.all([first, ...rest])).toEqual([10, 20, 30, 40, 50, 60]);
    expect(batches).toEqual([[1], [2, 3, 4], [5, 6]]);
  });

  it('should fail every item of a failed batch, and keep serving the next ones', async () => {
    let calls = 0;
    const batcher = createBatcher<string, string>({
      maxBatch: 10,
      run: async (items) => {
        calls++;
        if (calls === 1) throw new Error('database away');
        return items;
      },
    });
    await expect(batcher.submit('a')).rejects.toThrow('database away');
    expect(await batcher.submit('b')).toBe('b');
  });
});
