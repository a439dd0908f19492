// What the README snippets take as given (the app's own values), so each compiles as written.
declare const q: string;
declare const hits: string[];
declare function fetchResults(q: string): Promise<string[]>;
