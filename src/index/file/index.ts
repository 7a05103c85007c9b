import { type FileStoreOptions, openFileStore } from './store';

export { openFileStore, FileIndexStore, type FileStoreOptions, type CommitStep } from './store';
export { FileIndexReader } from './reader';

/** The entry point the engine uses: `FileStore.open(path)` (the directory is created by `init`). */
export const FileStore = { open: (location: string, opts?: FileStoreOptions) => openFileStore(location, opts) };
