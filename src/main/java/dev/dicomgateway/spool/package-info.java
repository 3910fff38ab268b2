/**
 * spool: the on-disk staging area — where an instance goes once received (incoming/collection/entity/study/series)
 * and the durability rules (fsync, atomic rename, directory fsync) that make an acknowledgement safe.
 * Must never build a path from a raw attribute value, nor let anything escape spool.dir.
 */
package dev.dicomgateway.spool;
