// munkres-js ships no types: a minimum-cost assignment over a (possibly rectangular) cost matrix.
declare module 'munkres-js' {
  function computeMunkres(costMatrix: number[][]): [number, number][];
  export default computeMunkres;
}
