/**
 * The docs' own rules: a README read in five minutes, prose a terminal shows whole, links that land, and no history
 * (commit hashes, issue numbers), which belongs to git.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { headingAnchorOf } from '../../lib/chat-config-monitoring';

const DOCS = [
  'README.md',
  'bench/README.md',
  ...readdirSync('docs').flatMap((file) => (file.endsWith('.md') ? [`docs/${file}`] : [])),
];

/** The lines of a Markdown file outside its code blocks, numbered from 1. */
const proseLines = (file: string): { line: number; text: string }[] => {
  let inBlock = false;
  return readFileSync(file, 'utf8')
    .split('\n')
    .flatMap((text, i) => {
      if (text.startsWith('```')) {
        inBlock = !inBlock;
        return [];
      }
      return inBlock ? [] : [{ line: i + 1, text }];
    });
};

const anchorsOf = (file: string): Set<string> =>
  new Set(
    proseLines(file).flatMap(({ text }) => {
      const heading = /^#{1,6} (.+)$/.exec(text)?.[1];
      return heading === undefined ? [] : [headingAnchorOf(heading)];
    }),
  );

describe('the docs', () => {
  it('keep the README a five-minute read: at most 16 KB', () => {
    expect(readFileSync('README.md').length).toBeLessThanOrEqual(16 * 1024);
  });

  it('wrap prose at 120 columns (tables aside)', () => {
    const long = DOCS.flatMap((file) =>
      proseLines(file).flatMap(({ line, text }) =>
        text.length > 120 && !text.startsWith('|') ? [`${file}:${line}`] : [],
      ),
    );

    expect(long).toEqual([]);
  });

  it('link only to files and headings that exist', () => {
    const broken = DOCS.flatMap((file) =>
      proseLines(file).flatMap(({ line, text }) =>
        [...text.matchAll(/\]\(([^)\s]+)\)/g)].flatMap(([, target = '']) => {
          if (/^[a-z]+:/.test(target)) return [];
          const [path = '', anchor] = target.split('#');
          const linked = path === '' ? file : normalize(join(dirname(file), path));
          const lands =
            existsSync(linked) &&
            (anchor === undefined || !linked.endsWith('.md') || anchorsOf(linked).has(anchor));
          return lands ? [] : [`${file}:${line} → ${target}`];
        }),
      ),
    );

    expect(broken).toEqual([]);
  });

  it('tell no history: no issue numbers, no commit hashes', () => {
    const history = DOCS.flatMap((file) =>
      readFileSync(file, 'utf8')
        .split('\n')
        .flatMap((text, i) =>
          /\bissues? #?\d+/i.test(text) || /\b(?=[0-9a-f]*[a-f])(?=[0-9a-f]*\d)[0-9a-f]{7,40}\b/.test(text)
            ? [`${file}:${i + 1}`]
            : [],
        ),
    );

    expect(history).toEqual([]);
  });
});
