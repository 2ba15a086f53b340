import { RtlabError } from '@rtlab/sdk';

/** A Python global named by a pickle (module, name); never imported or run. */
export class PyGlobal {
  constructor(
    readonly module: string,
    readonly name: string,
  ) {}
  get qualified(): string {
    return `${this.module}.${this.name}`;
  }
}

/** An object a pickle builds by calling a global we do not interpret: kept as data only. */
export class PyObject {
  state?: unknown;
  constructor(
    readonly callable: unknown,
    readonly args: unknown[],
  ) {}
}

/** What `unpickle` calls for the objects a checkpoint names: tensors, storages, and the classes it allows. */
export interface UnpickleHooks {
  /** What a persistent id (BINPERSID) stands for, e.g. a tensor storage. */
  persistentLoad(pid: unknown): unknown;
  /** The result of calling `callable(...args)` (REDUCE, NEWOBJ); unknown callables should give a PyObject. */
  reduce(callable: unknown, args: unknown[]): unknown;
}

/**
 * A data-only reader of Python pickles (protocols 0-5, the opcodes torch.save and plain containers
 * emit): dicts become Maps, lists and tuples arrays, globals PyGlobal. Nothing is ever executed, so an
 * untrusted file cannot run code; an opcode outside this set is an error naming it and its offset.
 */
export function unpickle(bytes: Uint8Array, hooks: UnpickleHooks, source: string): unknown {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const text = new TextDecoder();
  const memo = new Map<number, unknown>();
  const marks: unknown[][] = [];
  let stack: unknown[] = [];
  let pos = 0;
  const fail = (why: string): never => {
    throw new RtlabError('input', `${source}: cannot read the pickle at byte ${pos}: ${why}`);
  };
  const need = (n: number) => (pos + n > bytes.length ? fail('unexpected end of data (truncated)') : undefined);
  const u8 = () => (need(1), bytes[pos++]);
  const u16 = () => (need(2), (pos += 2), view.getUint16(pos - 2, true));
  const u32 = () => (need(4), (pos += 4), view.getUint32(pos - 4, true));
  const i32 = () => (need(4), (pos += 4), view.getInt32(pos - 4, true));
  const u64 = () => (need(8), (pos += 8), Number(view.getBigUint64(pos - 8, true)));
  const take = (n: number) => (need(n), (pos += n), bytes.subarray(pos - n, pos));
  const line = () => {
    const end = bytes.indexOf(0x0a, pos);
    if (end < 0) fail('unterminated line');
    const s = text.decode(bytes.subarray(pos, end));
    pos = end + 1;
    return s;
  };
  const pop = () => (stack.length ? stack.pop() : fail('stack underflow'));
  const top = () => (stack.length ? stack[stack.length - 1] : fail('stack underflow'));
  const popMark = () => {
    const items = stack;
    stack = marks.pop() ?? fail('no MARK');
    return items;
  };
  const long = (b: Uint8Array) => {
    let v = 0n;
    for (let i = b.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]);
    if (b.length && b[b.length - 1] & 0x80) v -= 1n << BigInt(8 * b.length);
    return Number.isSafeInteger(Number(v)) ? Number(v) : v;
  };
  const setItems = (dict: unknown, items: unknown[]) => {
    if (!(dict instanceof Map)) fail('SETITEM(S) on something that is not a dict');
    for (let i = 0; i + 1 < items.length; i += 2) (dict as Map<unknown, unknown>).set(items[i], items[i + 1]);
  };

  for (;;) {
    const op = u8();
    switch (op) {
      case 0x80:
        u8();
        break; // PROTO
      case 0x95:
        u64();
        break; // FRAME
      case 0x2e:
        return pop(); // STOP
      case 0x7d:
        stack.push(new Map());
        break; // EMPTY_DICT
      case 0x5d:
      case 0x29:
        stack.push([]);
        break; // EMPTY_LIST, EMPTY_TUPLE
      case 0x8f:
        stack.push(new Set());
        break; // EMPTY_SET
      case 0x28:
        marks.push(stack);
        stack = [];
        break; // MARK
      case 0x74: {
        const items = popMark();
        stack.push(items);
        break;
      } // TUPLE
      case 0x6c: {
        const items = popMark();
        stack.push(items);
        break;
      } // LIST
      case 0x64: {
        const items = popMark();
        const d = new Map();
        setItems(d, items);
        stack.push(d);
        break;
      } // DICT
      case 0x85:
        stack.push([pop()]);
        break; // TUPLE1
      case 0x86: {
        const b = pop();
        stack.push([pop(), b]);
        break;
      } // TUPLE2
      case 0x87: {
        const c = pop();
        const b = pop();
        stack.push([pop(), b, c]);
        break;
      } // TUPLE3
      case 0x71:
        memo.set(u8(), top());
        break; // BINPUT
      case 0x72:
        memo.set(u32(), top());
        break; // LONG_BINPUT
      case 0x94:
        memo.set(memo.size, top());
        break; // MEMOIZE
      case 0x70:
        memo.set(Number(line()), top());
        break; // PUT
      case 0x68: {
        const k = u8();
        stack.push(memo.has(k) ? memo.get(k) : fail(`memo ${k} missing`));
        break;
      } // BINGET
      case 0x6a: {
        const k = u32();
        stack.push(memo.has(k) ? memo.get(k) : fail(`memo ${k} missing`));
        break;
      } // LONG_BINGET
      case 0x67: {
        const k = Number(line());
        stack.push(memo.has(k) ? memo.get(k) : fail(`memo ${k} missing`));
        break;
      } // GET
      case 0x58:
        stack.push(text.decode(take(u32())));
        break; // BINUNICODE
      case 0x8c:
        stack.push(text.decode(take(u8())));
        break; // SHORT_BINUNICODE
      case 0x8d:
        stack.push(text.decode(take(u64())));
        break; // BINUNICODE8
      case 0x55:
        stack.push(Buffer.from(take(u8())).toString('latin1'));
        break; // SHORT_BINSTRING
      case 0x54:
        stack.push(Buffer.from(take(i32())).toString('latin1'));
        break; // BINSTRING
      case 0x43:
        stack.push(take(u8()).slice());
        break; // SHORT_BINBYTES
      case 0x42:
        stack.push(take(u32()).slice());
        break; // BINBYTES
      case 0x8e:
        stack.push(take(u64()).slice());
        break; // BINBYTES8
      case 0x63: {
        const module = line();
        stack.push(new PyGlobal(module, line()));
        break;
      } // GLOBAL
      case 0x93: {
        const name = pop() as string;
        stack.push(new PyGlobal(pop() as string, name));
        break;
      } // STACK_GLOBAL
      case 0x4a:
        stack.push(i32());
        break; // BININT
      case 0x4b:
        stack.push(u8());
        break; // BININT1
      case 0x4d:
        stack.push(u16());
        break; // BININT2
      case 0x8a:
        stack.push(long(take(u8())));
        break; // LONG1
      case 0x8b:
        stack.push(long(take(u32())));
        break; // LONG4
      case 0x49: {
        const s = line();
        stack.push(s === '01' ? true : s === '00' ? false : Number(s));
        break;
      } // INT
      case 0x46:
        stack.push(Number(line()));
        break; // FLOAT
      case 0x47:
        need(8);
        pos += 8;
        stack.push(view.getFloat64(pos - 8, false));
        break; // BINFLOAT (big-endian)
      case 0x4e:
        stack.push(null);
        break; // NONE
      case 0x88:
        stack.push(true);
        break; // NEWTRUE
      case 0x89:
        stack.push(false);
        break; // NEWFALSE
      case 0x52:
      case 0x81: {
        const args = pop() as unknown[];
        stack.push(hooks.reduce(pop(), args));
        break;
      } // REDUCE, NEWOBJ
      case 0x92: {
        pop();
        const args = pop() as unknown[];
        stack.push(hooks.reduce(pop(), args));
        break;
      } // NEWOBJ_EX
      case 0x51:
        stack.push(hooks.persistentLoad(pop()));
        break; // BINPERSID
      case 0x50:
        stack.push(hooks.persistentLoad(line()));
        break; // PERSID
      case 0x73: {
        const v = pop();
        const k = pop();
        setItems(top(), [k, v]);
        break;
      } // SETITEM
      case 0x75: {
        const items = popMark();
        setItems(top(), items);
        break;
      } // SETITEMS
      case 0x61: {
        const v = pop();
        (top() as unknown[]).push(v);
        break;
      } // APPEND
      case 0x65: {
        const items = popMark();
        const list = top() as unknown[];
        for (const v of items) list.push(v);
        break;
      } // APPENDS
      case 0x90: {
        const items = popMark();
        items.forEach((v) => (top() as Set<unknown>).add(v));
        break;
      } // ADDITEMS
      case 0x91:
        stack.push(new Set(popMark()));
        break; // FROZENSET
      case 0x62: {
        const state = pop();
        const obj = top();
        if (obj instanceof PyObject) obj.state = state;
        break;
      } // BUILD
      case 0x30:
        pop();
        break; // POP
      case 0x31:
        popMark();
        break; // POP_MARK
      case 0x32:
        stack.push(top());
        break; // DUP
      default:
        fail(`unsupported opcode 0x${op.toString(16)}`);
    }
  }
}
