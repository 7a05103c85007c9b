export { openFileStore, FileIndexStore, type FileStoreOptions, type CommitStep } from './store';
export { FileIndexReader } from './reader';
