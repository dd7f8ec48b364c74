package sharefs.fs;

/** Open files keyed by the handle given to the kernel in fi.fh, at most a mount's cap at once. */
final class OpenFiles extends HandleTable<OpenFile> {
    OpenFiles(int max, DescriptorPool.Account account) {
        super(max, "open files", account);
    }
}
