package org.attention4j.io;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Where a file format's bytes come from: a file, opened for each read so that an index holds no open file,
 * or an array in memory (a request body). Shared by the readers of this package.
 */
interface ByteSource {
    /** An open file or array: its size and byte ranges at any position. */
    interface Reader extends Closeable {
        long size() throws IOException;

        /** The {@code length} bytes from {@code position}, little-endian; {@link EOFException} past the end. */
        ByteBuffer read(long position, int length) throws IOException;
    }

    Reader open() throws IOException;

    static ByteSource of(Path file) {
        return () -> new FileReader(FileChannel.open(file, StandardOpenOption.READ));
    }

    /** The array is not copied: do not modify it while it is read. */
    static ByteSource of(byte[] bytes) {
        return () -> new ArrayReader(bytes);
    }

    record FileReader(FileChannel ch) implements Reader {
        @Override
        public long size() throws IOException {
            return ch.size();
        }

        @Override
        public ByteBuffer read(long position, int length) throws IOException {
            ByteBuffer b = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
            long at = position;
            while (b.hasRemaining()) {
                int n = ch.read(b, at);
                if (n < 0) {
                    throw new EOFException("the file ends at byte " + at + ", inside a range of " + length
                            + " bytes from " + position);
                }
                at += n;
            }
            return b.flip();
        }

        @Override
        public void close() throws IOException {
            ch.close();
        }
    }

    record ArrayReader(byte[] bytes) implements Reader {
        @Override
        public long size() {
            return bytes.length;
        }

        @Override
        public ByteBuffer read(long position, int length) throws EOFException {
            if (position + length > bytes.length) {
                throw new EOFException("the bytes end at " + bytes.length + ", inside a range of " + length
                        + " bytes from " + position);
            }
            return ByteBuffer.wrap(bytes, (int) position, length).slice().order(ByteOrder.LITTLE_ENDIAN);
        }

        @Override
        public void close() {}
    }
}
