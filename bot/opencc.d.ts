// opencc-js ships its types under package exports, which this project's module resolution does
// not read; the one function we use.
declare module 'opencc-js/t2cn' {
  export function Converter(options: { from: 't' | 'tw' | 'twp' | 'hk'; to: 'cn' }): (text: string) => string;
}
