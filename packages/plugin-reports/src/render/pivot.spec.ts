import { ScoreRow } from '@rtlab/sdk';
import { toCsv } from './csv';
import { toLatex } from './latex';
import { toMarkdown } from './markdown';
import { formatCell, pivot } from './pivot';

const rows: ScoreRow[] = [
  { pre: 'random', attack: 'linf', fov: 'scale', lhs: 0.5, rhs: 2, holds: true },
  { pre: 'random', attack: 'linf', fov: 'posX', lhs: 0.25, rhs: 2, holds: true },
  { pre: 'adv', attack: 'linf', fov: 'scale', lhs: 0.1, rhs: 0.2, holds: true },
];

describe('pivot', () => {
  it('lays rows out as (row labels x values) by column label, in first-appearance order', () => {
    const t = pivot(rows, {
      title: 'T',
      rows: ['pre', 'attack'],
      column: 'fov',
      values: [
        { name: 'LHS', field: 'lhs' },
        { name: 'RHS', field: 'rhs' },
      ],
      digits: 2,
    });
    expect(t.header).toEqual(['pre', 'attack', '', 'scale', 'posX']);
    expect(t.rows).toEqual([
      ['random', 'linf', 'LHS', '0.50', '0.25'],
      ['random', 'linf', 'RHS', '2.00', '2.00'],
      ['adv', 'linf', 'LHS', '0.10', '–'],
      ['adv', 'linf', 'RHS', '0.20', '–'],
    ]);
  });

  it("reads only the rows' own fields: a field or label named constructor is missing, not Object's", () => {
    const t = pivot(rows, {
      title: 'T',
      rows: ['pre'],
      values: [
        { name: 'C', field: 'constructor' },
        { name: 'LHS', field: 'lhs' },
      ],
      digits: 2,
    });
    expect(t.rows[0]).toEqual(['random', '–', '0.50']);
    expect(() =>
      pivot(rows, { title: 'T', rows: ['toString'], values: [{ name: 'LHS', field: 'lhs' }], digits: 2 }),
    ).toThrow(/score row 0 has no label "toString"/);
  });

  it('without a column label, shows one column per value', () => {
    const t = pivot(rows, { title: 'T', rows: ['pre', 'fov'], values: [{ name: 'ok', field: 'holds' }], digits: 2 });
    expect(t.rows).toEqual([
      ['random', 'scale', 'yes'],
      ['random', 'posX', 'yes'],
      ['adv', 'scale', 'yes'],
    ]);
  });

  it('merges score rows with the same labels: each figure from the row that has it (Tab. 4: accuracy and AS rows of a task)', () => {
    const merged: ScoreRow[] = [
      { task: 'cifar10', cleanCE: 0.5, robustCE: 1.5 },
      { task: 'cifar10', as: 2.25 },
      { task: 'fmnist', as: 3 },
    ];
    const t = pivot(merged, {
      title: 'T',
      rows: ['task'],
      values: [
        { name: 'AS', field: 'as' },
        { name: 'clean CE', field: 'cleanCE' },
      ],
      digits: 2,
    });
    expect(t.rows).toEqual([
      ['cifar10', '2.25', '0.50'],
      ['fmnist', '3.00', '–'],
    ]);
  });

  it('names a missing label and how to add it', () => {
    expect(() => pivot(rows, { title: 'T', rows: ['eps'], values: [{ name: 'x', field: 'lhs' }], digits: 2 })).toThrow(
      /score row 0 has no label "eps"; give the score node labels: \{"eps": \.\.\.\}/,
    );
  });

  it('prints the fields declared integer (counts) without decimals in every format, other whole numbers with them', () => {
    const counts: ScoreRow[] = [
      { task: 'a', n: 500, fulfilled: 321, acc: 1 },
      { task: 'b', n: 10000, fulfilled: 0, acc: 0.5 },
    ];
    const t = pivot(
      counts,
      {
        title: 'T',
        rows: ['task'],
        values: [
          { name: 'n', field: 'n' },
          { name: 'certified', field: 'fulfilled' },
          { name: 'acc', field: 'acc' },
        ],
        digits: 4,
      },
      new Set(['n', 'fulfilled']),
    );
    expect(t.rows).toEqual([
      ['a', '500', '321', '1.0000'],
      ['b', '10000', '0', '0.5000'],
    ]);
    expect(toCsv(t)).toContain('a,500,321,1.0000');
    expect(toLatex(t)).toContain('a & 500 & 321 & 1.0000');
    expect(toMarkdown(t)).toContain('| a | 500 | 321 | 1.0000 |');
  });

  it('formats small numbers in exponent form and booleans as yes/no', () => {
    expect([formatCell(7.39e-5, 4), formatCell(0, 4), formatCell(false, 4), formatCell(1.23456, 3)]).toEqual([
      '7.39e-5',
      '0.0000',
      'no',
      '1.235',
    ]);
  });
});

describe('renderers', () => {
  const t = { title: 'Loss_gap & 50%', header: ['a', 'b|c'], rows: [['x,y', '1.0']], labelColumns: 1 };

  it('Markdown escapes pipes and aligns numbers right', () => {
    expect(toMarkdown(t)).toBe('**Loss_gap & 50%**\n\n| a | b\\|c |\n| :-- | --: |\n| x,y | 1.0 |\n');
  });

  it('CSV quotes fields with commas', () => {
    expect(toCsv(t)).toBe('a,b|c\n"x,y",1.0\n');
  });

  it('LaTeX uses booktabs and escapes special characters', () => {
    const tex = toLatex(t);
    expect(tex).toContain('\\caption{Loss\\_gap \\& 50\\%}');
    expect(tex).toContain('\\begin{tabular}{lr}');
    expect(tex.indexOf('\\toprule')).toBeLessThan(tex.indexOf('\\midrule'));
    expect(tex).toContain('    x,y & 1.0 \\\\');
    expect(tex).toContain('\\bottomrule');
  });
});
