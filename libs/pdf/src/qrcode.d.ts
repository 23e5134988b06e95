/** The part of `qrcode` (1.5, no bundled types) the forms use: encoding a text into a module matrix. */
declare module 'qrcode' {
  export interface QRCodeModules {
    /** Modules per side. */
    size: number;
    /** True where the module is dark. */
    get(row: number, col: number): boolean | number;
  }
  export interface QRCode {
    modules: QRCodeModules;
    version: number;
  }
  export function create(text: string, options?: { errorCorrectionLevel?: 'L' | 'M' | 'Q' | 'H' }): QRCode;
}
