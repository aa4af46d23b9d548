import type { ApiResult, Readiness } from './api';

/** One routed page. `refresh` loads and renders; the router re-runs it every `everyMs`. */
export interface Page {
  name: string;
  root: HTMLElement;
  everyMs: number;
  refresh(): Promise<void>;
  dispose(): void;
}

// The readiness poll is shared: the badge and the overview read the same answer.
type Listener = (r: ApiResult<Readiness>) => void;
const listeners = new Set<Listener>();
let last: ApiResult<Readiness> | null = null;

export const readiness = {
  get last(): ApiResult<Readiness> | null {
    return last;
  },
  publish(r: ApiResult<Readiness>): void {
    last = r;
    for (const l of listeners) l(r);
  },
  subscribe(l: Listener): () => void {
    listeners.add(l);
    return () => listeners.delete(l);
  },
};
