// The one key of a sample on the site: its file and the sha256 of its text
// (as scripts/doctest/extract.mts hashes it). An edited sample has another
// key, so an old verdict never attaches to new text.
export const sampleKey = (file: string, hash: string): string => `${file}\n${hash}`;
