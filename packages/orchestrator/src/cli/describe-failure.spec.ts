import * as fs from 'node:fs';
import { RtlabError } from '@rtlab/sdk';
import { describeFailure } from './describe-failure';

const systemError = (): unknown => {
  try {
    fs.readFileSync('/definitely/not/here.json');
  } catch (e) {
    return e;
  }
};

describe('describeFailure', () => {
  it('says what could not be done to which path, in one line', () => {
    expect(describeFailure(systemError(), false)).toBe(
      'cannot open /definitely/not/here.json: no such file or folder (ENOENT)',
    );
  });

  it("keeps rtlab's own messages, and points anything else at --debug", () => {
    expect(describeFailure(new RtlabError('input', 'data/x.bin: truncated'), false)).toBe('data/x.bin: truncated');
    expect(describeFailure(new TypeError('x is not a function\n    at y'), false)).toBe(
      'TypeError: x is not a function (rerun with --debug for the stack trace)',
    );
  });

  it('adds the stack trace with --debug', () => {
    const lines = describeFailure(new TypeError('boom'), true).split('\n');
    expect(lines[0]).toBe('TypeError: boom');
    expect(lines[1]).toMatch(/^TypeError: boom/);
    expect(lines.slice(2).join('\n')).toMatch(/at /);
  });
});
