import { describe, expect, it } from '@jest/globals';

describe('the test runtime', () => {
  it('is Node.js 24, the Lambda runtime nodejs24.x, whatever the system Node.js is', () => {
    expect(process.versions.node.split('.')[0]).toBe('24');
  });
});
