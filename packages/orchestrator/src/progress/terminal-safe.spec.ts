import { terminalSafe } from './terminal-safe';

describe('terminalSafe', () => {
  it('shows escape sequences and other control characters as \\u escapes, and keeps text, newlines and tabs', () => {
    expect(terminalSafe('a\u001b[2J\u001b]0;owned\u0007b')).toBe('a\\u001b[2J\\u001b]0;owned\\u0007b');
    expect(terminalSafe('\u009b31m')).toBe('\\u009b31m');
    expect(terminalSafe('line 1\n\tline 2: ε = 8/255 ✓')).toBe('line 1\n\tline 2: ε = 8/255 ✓');
  });
});
