/** PDF adapter: the Thông tư 01/2018 forms rendered with pdfkit and an embedded DejaVu Sans font. */
export * from './format';
export * from './pdf-writer';
export * from './forms';
export * from './notices';
