/**
 * spool: the on-disk staging area — where an instance goes once received (incoming/collection/entity/study/series)
 * and the durability rules (fsync, atomic rename, directory fsync) that make an acknowledgement safe.
 * Must never build a path from a raw attribute value, nor let anything escape spool.dir, nor be recovered, swept or
 * staged into by a process that does not hold spool.dir/.lock (imports beside the owner hand files in via inbox/).
 */
package dev.dicomgateway.spool;
