import { RtlabError } from '@rtlab/sdk';
import { BatchNormMode } from '../../network/batch-norm-mode';
import { AttrValue, ProgramNode } from '../onnx-program';
import { Value } from '../onnx-value';

/** What an op sees besides its inputs. */
export interface OpContext {
  /** Batch norm's mode: running statistics as exported, or batch statistics while a network trains. */
  bn: BatchNormMode;
}

/** An ONNX operator on rtlab values: inputs in the node's order (undefined where omitted), one value per output. */
export type Op = (inputs: (Value | undefined)[], node: ProgramNode, ctx: OpContext) => Value[];

function attr(node: ProgramNode, name: string): AttrValue | undefined {
  return node.attrs[name];
}

/** An error about one node, naming it and its op. */
export function nodeError(node: ProgramNode, message: string): RtlabError {
  return new RtlabError('input', `ONNX node "${node.name}" (${node.op}): ${message}`);
}

export function intAttr(node: ProgramNode, name: string, fallback: number): number {
  const v = attr(node, name);
  return typeof v === 'number' ? v : fallback;
}

export const floatAttr = intAttr;

export function intsAttr(node: ProgramNode, name: string): number[] | undefined {
  const v = attr(node, name);
  return Array.isArray(v) ? (v as number[]) : undefined;
}

export function stringAttr(node: ProgramNode, name: string, fallback: string): string {
  const v = attr(node, name);
  return typeof v === 'string' ? v : fallback;
}

/** A negative ONNX axis counted from the end. */
export function axisOf(axis: number, rank: number, node: ProgramNode): number {
  const a = axis < 0 ? axis + rank : axis;
  if (!(a >= 0 && a < rank)) throw nodeError(node, `axis ${axis} is outside a rank-${rank} value`);
  return a;
}
