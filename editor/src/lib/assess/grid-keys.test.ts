import { describe, expect, it } from 'vitest';
import { bounds, inRange, isMultiCell, moveFor, rangeTsv } from './grid-keys.ts';
import { EditHistory } from './grid-history.ts';

const size = { rows: 3, cols: 4 };
const text = { shift: false, caretAtStart: false, caretAtEnd: false, isSelect: false };

describe('moving in the grid by keyboard', () => {
  it('arrows up and down always move; left and right only at the edge of the text', () => {
    expect(moveFor('ArrowDown', text, { r: 0, c: 1 }, size)).toEqual({ r: 1, c: 1 });
    expect(moveFor('ArrowLeft', text, { r: 0, c: 1 }, size)).toBeNull();
    expect(moveFor('ArrowLeft', { ...text, caretAtStart: true }, { r: 0, c: 1 }, size)).toEqual({
      r: 0,
      c: 0,
    });
    expect(moveFor('ArrowRight', { ...text, caretAtEnd: true }, { r: 0, c: 1 }, size)).toEqual({
      r: 0,
      c: 2,
    });
  });
  it('Enter goes down, Shift+Enter up, never out of the grid', () => {
    expect(moveFor('Enter', text, { r: 2, c: 0 }, size)).toEqual({ r: 2, c: 0 });
    expect(moveFor('Enter', { ...text, shift: true }, { r: 1, c: 0 }, size)).toEqual({ r: 0, c: 0 });
  });
  it('a select keeps its own up and down unless Shift extends a range', () => {
    expect(moveFor('ArrowDown', { ...text, isSelect: true }, { r: 0, c: 0 }, size)).toBeNull();
    expect(moveFor('ArrowDown', { ...text, isSelect: true, shift: true }, { r: 0, c: 0 }, size)).toEqual({
      r: 1,
      c: 0,
    });
  });
  it('other keys are the text box’s own', () => {
    expect(moveFor('a', text, { r: 0, c: 0 }, size)).toBeNull();
  });
});

describe('ranges', () => {
  const range = { anchor: { r: 2, c: 1 }, focus: { r: 1, c: 2 } };
  it('covers the rectangle between anchor and focus', () => {
    expect(bounds(range)).toEqual({ r0: 1, r1: 2, c0: 1, c1: 2 });
    expect(inRange(range, 1, 1)).toBe(true);
    expect(inRange(range, 0, 1)).toBe(false);
    expect(isMultiCell(range)).toBe(true);
    expect(isMultiCell({ anchor: { r: 0, c: 0 }, focus: { r: 0, c: 0 } })).toBe(false);
  });
  it('copies as tab-separated rows', () => {
    expect(rangeTsv(range, (r, c) => `${r}${c}`)).toBe('11\t12\n21\t22');
    expect(rangeTsv({ anchor: { r: 0, c: 0 }, focus: { r: 0, c: 0 } }, () => 'a\tb')).toBe('a b');
  });
});

describe('undo and redo', () => {
  it('undoes a step and redoes it', () => {
    const h = new EditHistory();
    h.record([
      { code: 'A', key: 'x', before: '1', after: '2' },
      { code: 'B', key: 'x', before: '', after: '3' },
    ]);
    expect(h.undo()).toEqual([
      { code: 'A', key: 'x', before: '2', after: '1' },
      { code: 'B', key: 'x', before: '3', after: '' },
    ]);
    expect(h.canUndo).toBe(false);
    expect(h.redo()).toEqual([
      { code: 'A', key: 'x', before: '1', after: '2' },
      { code: 'B', key: 'x', before: '', after: '3' },
    ]);
    expect(h.redo()).toBeNull();
  });
  it('typing in one cell is one step; a new edit clears what was undone', () => {
    const h = new EditHistory();
    h.record([{ code: 'A', key: 'x', before: '', after: '8' }], { mergeTyping: true });
    h.record([{ code: 'A', key: 'x', before: '8', after: '89' }], { mergeTyping: true });
    expect(h.undo()).toEqual([{ code: 'A', key: 'x', before: '89', after: '' }]);
    h.record([{ code: 'B', key: 'x', before: '', after: '1' }]);
    expect(h.canRedo).toBe(false);
  });
  it('keeps at most its limit of steps and ignores changes that change nothing', () => {
    const h = new EditHistory(2);
    for (const n of ['1', '2', '3']) h.record([{ code: 'A', key: n, before: '', after: n }]);
    h.record([{ code: 'A', key: 'y', before: 's', after: 's' }]);
    expect(h.undo()?.[0].key).toBe('3');
    expect(h.undo()?.[0].key).toBe('2');
    expect(h.undo()).toBeNull();
  });
});
