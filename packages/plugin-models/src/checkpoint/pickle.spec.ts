import { PyGlobal, PyObject, unpickle } from './pickle';

// pickle.dumps({'a': 5, 'b': [1.5, None, True], 'c': (1, 'x'), 'big': 2**40, 'neg': -300}) by CPython, protocols 2 and 4.
const PROTOCOL_2 =
  '80027d71002858010000006171014b0558010000006271025d710328473ff80000000000004e886558010000006371044b015801000000787105867106580300000062696771078a0600000000000158030000006e656771084ad4feffff752e';
const PROTOCOL_4 =
  '80049543000000000000007d94288c0161944b058c0162945d9428473ff80000000000004e88658c0163944b018c01789486948c03626967948a060000000000018c036e6567944ad4feffff752e';
const hooks = { persistentLoad: (pid: unknown) => pid, reduce: (c: unknown, args: unknown[]) => new PyObject(c, args) };
const read = (hex: string) => unpickle(Buffer.from(hex, 'hex'), hooks, 'test.pkl');

describe('unpickle (data only)', () => {
  it.each([
    ['2', PROTOCOL_2],
    ['4', PROTOCOL_4],
  ])("reads CPython's protocol %s output", (_, hex) => {
    const d = read(hex) as Map<string, unknown>;
    expect([...d.keys()]).toEqual(['a', 'b', 'c', 'big', 'neg']);
    expect([d.get('a'), d.get('b'), d.get('c'), d.get('big'), d.get('neg')]).toEqual([
      5,
      [1.5, null, true],
      [1, 'x'],
      2 ** 40,
      -300,
    ]);
  });

  it('keeps globals as names and calls as data, never running anything', () => {
    // GLOBAL os.system, SHORT_BINUNICODE "echo", TUPLE1, REDUCE, STOP
    const bytes = Buffer.concat([
      Buffer.from([0x80, 0x02, 0x63]),
      Buffer.from('os\nsystem\n'),
      Buffer.from([0x8c, 4]),
      Buffer.from('echo'),
      Buffer.from([0x85, 0x52, 0x2e]),
    ]);
    const obj = unpickle(bytes, hooks, 'evil.pkl') as PyObject;
    expect((obj.callable as PyGlobal).qualified).toBe('os.system');
    expect(obj.args).toEqual(['echo']);
  });

  it('names the byte offset of an unknown opcode and of truncated data', () => {
    expect(() => read('8002ff')).toThrow(/test\.pkl: cannot read the pickle at byte 3: unsupported opcode 0xff/);
    expect(() => read(PROTOCOL_2.slice(0, 40))).toThrow(/unexpected end of data \(truncated\)/);
  });
});
