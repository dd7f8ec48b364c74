/**
 * A FUSE engine speaking the kernel protocol on /dev/fuse directly (no libfuse), through
 * jnr-ffi: the transport the filesystem layer will sit on (issue 12). It depends on nothing of
 * sharefs but the backing layer's no-symlink open of the mountpoint.
 *
 * <h2>What is done</h2>
 * <ul>
 * <li>{@link sharefs.fuse.kernel.Session#mount}: opens /dev/fuse, mount(2)s {@code fuse.sharefs}
 * with {@code fd=N,rootmode=40000,user_id=0,group_id=0,allow_other} (no default_permissions:
 * the daemon checks every call) and nosuid,nodev, on the mountpoint's O_PATH descriptor as
 * /proc/self/fd/N; returns once INIT is negotiated. Unmount is umount2(MNT_DETACH) on that
 * descriptor; abort() writes /sys/fs/fuse/connections/N/abort (N found in mountinfo), mounting
 * fusectl privately for the write where the system has not.</li>
 * <li>Worker threads, each reading one request per read(2) into an mmap'd buffer of
 * max_pages * 4096 + 4096 bytes and answering from the same buffer with one writev(2); EINTR
 * and ENOENT are retried, ENODEV ends the worker; the last one releases the device.</li>
 * <li>Exactly one answer per request (none for FORGET, BATCH_FORGET, NOTIFY_REPLY; INTERRUPT
 * only -EAGAIN, see {@link sharefs.fuse.kernel.Interrupts}); unknown opcodes -ENOSYS; malformed,
 * short or oversized requests -EINVAL (-EIO for a broken header) with a log line; a handler that
 * throws answers -EIO.</li>
 * <li>INIT ({@link sharefs.fuse.kernel.InitNegotiation}): minor min(kernel, 45), refuses below
 * 7.31; takes ASYNC_READ, BIG_WRITES, MAX_PAGES (256, 1 MiB requests), PARALLEL_DIROPS,
 * HANDLE_KILLPRIV_V2, CACHE_SYMLINKS, DO_READDIRPLUS, READDIRPLUS_AUTO, EXPORT_SUPPORT, INIT_EXT
 * when offered, and PASSTHROUGH (flags2, with max_stack_depth 1) when the session asks for it;
 * never WRITEBACK_CACHE; logs and publishes {@link sharefs.fuse.kernel.Negotiated}.</li>
 * <li>Passthrough: {@link sharefs.fuse.kernel.BackingFiles} (FUSE_DEV_IOC_BACKING_OPEN/CLOSE),
 * FOPEN_PASSTHROUGH and the backing id in {@link sharefs.fuse.kernel.OpenOut}, and
 * {@link sharefs.fuse.kernel.PassthroughStatus}: whether the kernel took it, asked at mount by
 * registering a memfd once. Which opens go passthrough is the filesystem's choice
 * ({@code sharefs.fs.PassthroughPolicy}, {@code IoModes}).</li>
 * <li>{@link sharefs.fuse.kernel.FuseHandler}: inode-based, names as bytes, typed replies,
 * ENOSYS defaults; {@link sharefs.fuse.kernel.Request#awaitInterrupt} for INTERRUPT;
 * {@link sharefs.fuse.kernel.Notifier} for INVAL_ENTRY and INVAL_INODE.</li>
 * </ul>
 *
 * <h2>The filesystem layer on it (step 2): {@code sharefs.fs.KernelViewFs}</h2>
 * <ul>
 * <li>Done: the inode table ({@code NodeTable}: O_PATH descriptors keyed by folder and
 * (st_dev, st_ino), paid for from the mount's descriptor account; hard links share a node;
 * FORGET closes at zero); the view root and every call inside folders with the same rules as
 * the libfuse engine (the whole permission table runs on both: KernelPermissionTableTest);
 * READDIRPLUS in folders; names as bytes; INVAL_ENTRY/INVAL_INODE on view changes
 * ({@code ViewInvalidator}), root entries cached for an hour.</li>
 * <li>Wired (step 3): {@code sharefs mount --engine kernel} and {@code sharefs node --engine kernel}
 * ({@code ViewMount} with {@code KernelServer}: the agent's descriptor account, reloads, ready
 * probe, unmount and forced unmount; node status names the engine); the default engine where
 * the kernel speaks FUSE 7.31+ (ViewMount falls back to libfuse2 on a refused handshake);
 * passthrough by policy ({@code PassthroughPolicy}, {@code IoModes}, {@link BackingFiles}).</li>
 * <li>Also done: notifications for changes made through the agent's other mounts
 * ({@code MountPeer}); pruning cached nodes under the descriptor budget ({@code NodePruner},
 * FUSE_NOTIFY_PRUNE on 7.45, INVAL_ENTRY of each node's last name on 7.31 to 7.44).</li>
 * <li>Not yet: ".." lookups (EXPORT_SUPPORT is negotiated, ".." answers ENOENT, so a handle of
 * a directory whose dentry the kernel dropped cannot be reconnected); RENAME_EXCHANGE (EINVAL,
 * as the libfuse engine); suid/sgid killing (no setid bit can be set through a view).</li>
 * </ul>
 *
 * <h2>What the filesystem layer must add (the brief of step 2)</h2>
 * <ul>
 * <li>An inode table: node id to the backing object (an O_PATH descriptor under the folder's
 * root, opened by the backing layer without following symlinks), with lookup counts taken by
 * every EntryOut answered and given back by forget; hard links share one node id; an unlinked
 * but open file keeps its node; "." and ".." lookups (EXPORT_SUPPORT).</li>
 * <li>The permission rules of {@code access} on every call (there is no default_permissions),
 * the view root, and the caller checks by {@link sharefs.fuse.kernel.Request#uid()}; killing
 * suid/sgid on write, chown and truncate (HANDLE_KILLPRIV_V2).</li>
 * <li>Invalidation on view changes (a kick-out, a downgrade, a rename) and on writes through
 * another mount of the machine, with the notifier, called from outside handler calls; then long
 * entry and attribute timeouts.</li>
 * <li>Done since: passthrough (`--passthrough owned|reads|off`, see the README) and the wiring into
 * {@code sharefs mount --engine kernel} and the node agent.</li>
 * </ul>
 */
package sharefs.fuse.kernel;
