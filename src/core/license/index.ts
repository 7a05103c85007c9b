// Licence detection, pure: texts and manifests in, SPDX expressions out. The Node side (src/node/license.ts)
// reads the files and supplies the SPDX licence texts.
export * from './expression';
export * from './names';
export * from './text';
export * from './metadata';
export * from './debian';
export * from './header';
export * from './copyright';
export * from './sections';
