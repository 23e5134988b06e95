import { redactUrl, scrubNumbers, serializeError } from './logging.module';

describe('log redaction helpers', () => {
  it('masks identity and phone numbers in text but keeps ids, dates, codes and timestamps', () => {
    expect(scrubNumbers('CCCD 079203001234, CMND 123456789, phone 0901234567, +84901234567, 090 123 4567')).toBe(
      'CCCD [redacted], CMND [redacted], phone [redacted], [redacted], [redacted]',
    );
    const keep = 'dossier 6f0c3c1e-8a3b-4c1d-9e2f-079203001234 code 000.27.01.H29-250425-0001 at 2025-04-25T10:00:00Z ts 1714000000000 n=12345678';
    expect(scrubNumbers(keep)).toBe(keep);
  });

  it('masks query values and number-like path segments of URLs', () => {
    expect(redactUrl('/api/v1/dossiers?idNumber=079203001234&phone=090%20123%204567&unitCode=X')).toBe(
      '/api/v1/dossiers?idNumber=[redacted]&phone=[redacted]&unitCode=X',
    );
    expect(redactUrl('/api/v1/citizens/079203001234/x')).toBe('/api/v1/citizens/[redacted]/x');
    expect(redactUrl('/api/v1/alerts/stream?unitCode=X&access_token=abc.def.ghi')).toBe('/api/v1/alerts/stream?unitCode=X&access_token=[redacted]');
    // finding a dossier: a search may be a name, the public look-up carries the citizen's PIN
    expect(redactUrl('/api/v1/dossiers?q=nguyen%20van%20an&limit=20&code=A-250101-0001')).toBe('/api/v1/dossiers?q=[redacted]&limit=20&code=A-250101-0001');
    expect(redactUrl('/api/v1/public/dossiers/A-250101-0001?pin=K7MX4Q')).toBe('/api/v1/public/dossiers/A-250101-0001?pin=[redacted]');
  });

  it('serializes errors with masked message and stack', () => {
    const s = serializeError(new Error('duplicate key (id_number)=(079203001234)')) as { message: string; stack: string; type: string };
    expect(s.type).toBe('Error');
    expect(s.message).toBe('duplicate key (id_number)=([redacted])');
    expect(s.stack).not.toContain('079203001234');
  });
});
