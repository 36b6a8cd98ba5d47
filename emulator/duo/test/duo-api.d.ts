// Types for Duo's official Admin/Auth API client, which ships none: only what the tests call.
declare module '@duosecurity/duo_api' {
  export const SIGNATURE_VERSION_2: 2;
  export const SIGNATURE_VERSION_5: 5;
  export class Client {
    constructor(ikey: string, skey: string, host: string, sigVersion?: 2 | 5);
    jsonApiCall(
      method: string,
      path: string,
      params: Record<string, string | string[]>,
      callback: (body: Record<string, unknown>) => void,
    ): void;
  }
}

declare module '@duosecurity/duo_api/lib/duo_sig.js' {
  export function sign(
    ikey: string,
    skey: string,
    method: string,
    host: string,
    path: string,
    params: Record<string, string | string[]>,
    date: string,
  ): string;
}
