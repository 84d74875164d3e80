import { describe, expect, it } from '@jest/globals';
import { mannWhitneyZ } from '../../bench/stats';

// Reference values from SciPy's `mannwhitneyu(x, y, use_continuity=False, method='asymptotic')`: its U, turned into z.
describe('mannWhitneyZ', () => {
  it('gives the z of U for samples without ties', () => {
    // GIVEN every value of x below every value of y
    const x = [1, 2, 3];
    const y = [4, 5, 6];

    // WHEN / THEN
    expect(mannWhitneyZ(x, y)).toBeCloseTo(-1.963961, 5);
  });

  it('corrects the variance for ties', () => {
    expect(mannWhitneyZ([1, 2, 2], [2, 3, 4])).toBeCloseTo(-1.623086, 5);
    expect(mannWhitneyZ([3, 1, 4, 1, 5, 9, 2, 6], [2, 7, 1, 8, 2, 8, 1, 8, 2, 8])).toBeCloseTo(-0.406172, 5);
  });

  it('is positive when x tends to be larger, and changes sign with the order of the samples', () => {
    // GIVEN y shifted up by half the range of x
    const x = Array.from({ length: 100 }, (_, i) => i);
    const y = x.map((value) => value + 50);

    // WHEN
    const z = mannWhitneyZ(y, x);

    // THEN
    expect(z).toBeGreaterThan(5);
    expect(mannWhitneyZ(x, y)).toBeCloseTo(-z, 10);
  });

  it('is 0 for samples of one distribution, even all equal, and NaN without samples', () => {
    expect(mannWhitneyZ([1, 2, 3, 4], [4, 3, 2, 1])).toBe(0);
    expect(mannWhitneyZ([5, 5, 5], [5, 5])).toBe(0);
    expect(mannWhitneyZ([], [1])).toBeNaN();
  });
});
