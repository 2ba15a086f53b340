import { Figure } from '../plots/figure';
import { unique } from './report-figures';

const figure = (id: string): Figure => ({ id, kind: 'trend', title: id, caption: '', spec: {} });

describe('unique figure ids', () => {
  it('keeps the first of an id and gives later ones the first free suffix, even where a suffixed id exists already', () => {
    const ids = unique(['a', 'a', 'a-2', 'a', 'b'].map(figure)).map((f) => f.id);
    expect(ids).toEqual(['a', 'a-2', 'a-2-2', 'a-3', 'b']);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
