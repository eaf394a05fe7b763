// placeholder replaced by the shell entry
export {};
