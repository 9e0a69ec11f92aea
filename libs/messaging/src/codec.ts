import type { ConsumeMessage } from 'amqplib';

export const encode = (body: unknown): Buffer => Buffer.from(JSON.stringify(body));

export class MalformedMessageError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'MalformedMessageError';
  }
}

export function decode(message: ConsumeMessage): unknown {
  try {
    return JSON.parse(message.content.toString('utf8'));
  } catch {
    throw new MalformedMessageError('body is not valid JSON');
  }
}
