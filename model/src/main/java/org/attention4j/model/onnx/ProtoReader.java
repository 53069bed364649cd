package org.attention4j.model.onnx;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * A cursor over the fields of one protobuf message in a memory segment, strict about everything that
 * could make a parser read out of bounds, allocate without limit or loop: every varint has at most 10
 * bytes (and fits 64 bits), every length fits in the bytes left in the enclosing message, wire types
 * 3 and 4 (groups) and 6, 7 are errors, field number 0 is an error, nested messages are at most
 * {@link #MAX_DEPTH} deep, strings are at most {@link #MAX_STRING_BYTES} and strict UTF-8. Each call to
 * {@link #next} consumes at least one byte, so a loop over the fields ends.
 *
 * <p>Positions are indices into the segment; {@code base} is the file offset of the segment's byte 0,
 * for messages. Errors are {@link IllegalArgumentException}s naming the source, the path of messages
 * ({@code where}) and the file offset.
 */
final class ProtoReader {
    /** Nesting limit: the ONNX reader itself goes no deeper than model → graph → node → attribute → tensor. */
    static final int MAX_DEPTH = 8;
    /** The longest string (name, op type, ...) accepted. */
    static final int MAX_STRING_BYTES = 1 << 16;

    static final int VARINT = 0, FIXED64 = 1, LEN = 2, FIXED32 = 5;

    private static final ValueLayout.OfByte BYTE = ValueLayout.JAVA_BYTE;
    private static final ValueLayout.OfLong LE_LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt LE_INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final MemorySegment seg;
    private final long base;
    private final String source;
    private final String where;
    private final int depth;
    private final long end;
    private long pos;

    /** The current field (after {@link #next}): number and wire type. */
    int field;
    int wireType;
    /** The value of a VARINT, FIXED64 or FIXED32 field (FIXED32 zero-extended). */
    long value;
    /** The payload of a LEN field: {@code [lenStart, lenEnd)}. */
    long lenStart, lenEnd;
    /** Where the current field's tag starts. */
    long fieldStart;

    ProtoReader(MemorySegment seg, long base, String source, long start, long end, String where, int depth) {
        if (depth > MAX_DEPTH) {
            throw new IllegalArgumentException(source + ": " + where + " at byte " + (base + start)
                    + ": messages nested more than " + MAX_DEPTH + " deep");
        }
        this.seg = seg;
        this.base = base;
        this.source = source;
        this.where = where;
        this.depth = depth;
        this.pos = start;
        this.end = end;
    }

    String where() {
        return where;
    }

    /** Reads the next field's tag and value; false at the end of the message. */
    boolean next() {
        if (pos >= end) {
            return false;
        }
        fieldStart = pos;
        long tag = varint("a field tag");
        if (tag > 0xffff_ffffL || tag < 0) {
            throw failAt(fieldStart, "field tag " + Long.toUnsignedString(tag) + " does not fit 32 bits: not protobuf");
        }
        field = (int) (tag >>> 3);
        wireType = (int) (tag & 7);
        if (field == 0) {
            throw failAt(fieldStart, "field number 0: not protobuf (not an ONNX file?)");
        }
        switch (wireType) {
            case VARINT -> value = varint("field " + field);
            case FIXED64 -> {
                need(8, "field " + field + " (64-bit)");
                value = seg.get(LE_LONG, pos);
                pos += 8;
            }
            case FIXED32 -> {
                need(4, "field " + field + " (32-bit)");
                value = seg.get(LE_INT, pos) & 0xffff_ffffL;
                pos += 4;
            }
            case LEN -> {
                long lengthAt = pos;
                long length = varint("the length of field " + field);
                if (length < 0 || length > end - pos) {
                    throw failAt(lengthAt, "field " + field + " claims " + Long.toUnsignedString(length)
                            + " bytes but only " + (end - pos) + " are left in " + where + truncatedHint());
                }
                lenStart = pos;
                lenEnd = pos + length;
                pos = lenEnd;
            }
            case 3, 4 -> throw failAt(fieldStart, "field " + field + " has wire type " + wireType
                    + " (a protobuf group): groups are not used by ONNX");
            default -> throw failAt(fieldStart, "field " + field + " has wire type " + wireType
                    + ": not a protobuf wire type (not an ONNX file?)");
        }
        return true;
    }

    private String truncatedHint() {
        return depth == 0 ? " (the file is truncated, or not an ONNX file)" : " (a corrupt or truncated file)";
    }

    /** A reader of the current LEN field's payload as a message. */
    ProtoReader message(String name) {
        expect(LEN, name);
        return new ProtoReader(seg, base, source, lenStart, lenEnd, where + " > " + name, depth + 1);
    }

    /** Fails unless the current field has wire type {@code expected}. */
    void expect(int expected, String name) {
        if (wireType != expected) {
            throw failAt(fieldStart, name + " (field " + field + ") has wire type " + wireType + ": expected "
                    + wireTypeName(expected));
        }
    }

    private static String wireTypeName(int wireType) {
        return switch (wireType) {
            case VARINT -> "0 (varint)";
            case FIXED64 -> "1 (64-bit)";
            case LEN -> "2 (length-delimited)";
            case FIXED32 -> "5 (32-bit)";
            default -> String.valueOf(wireType);
        };
    }

    /** The current LEN field as a strict UTF-8 string of at most {@link #MAX_STRING_BYTES}. */
    String string(String name) {
        expect(LEN, name);
        long length = lenEnd - lenStart;
        if (length > MAX_STRING_BYTES) {
            throw failAt(fieldStart, name + " is " + length + " bytes long: expected at most " + MAX_STRING_BYTES);
        }
        byte[] bytes = new byte[(int) length];
        MemorySegment.copy(seg, BYTE, lenStart, bytes, 0, bytes.length);
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw failAt(fieldStart, name + " is not UTF-8");
        }
    }

    /** The current VARINT field as an int32 (protobuf int32: a negative value is sign-extended to 64 bits). */
    int int32(String name) {
        expect(VARINT, name);
        if (value != (int) value) {
            throw failAt(fieldStart, name + " = " + value + " does not fit an int32");
        }
        return (int) value;
    }

    /** The current VARINT field as an int64. */
    long int64(String name) {
        expect(VARINT, name);
        return value;
    }

    /** Reads a varint at the cursor within this message: at most 10 bytes, and the value fits 64 bits. */
    private long varint(String what) {
        long start = pos;
        long result = 0;
        for (int i = 0; i < 10; i++) {
            if (pos >= end) {
                throw failAt(start, "the varint of " + what + " runs past the end of " + where + truncatedHint());
            }
            int b = seg.get(BYTE, pos++) & 0xff;
            if (i == 9 && b > 1) {
                throw failAt(start, (b & 0x80) != 0
                        ? "the varint of " + what + " is longer than 10 bytes: not protobuf"
                        : "the varint of " + what + " overflows 64 bits: not protobuf");
            }
            result |= (long) (b & 0x7f) << (7 * i);
            if (b < 0x80) {
                return result;
            }
        }
        throw new AssertionError("unreachable");
    }

    /**
     * Counts the varints of a packed repeated field's payload {@code [from, to)}, checking each has at most
     * 10 bytes and the payload does not end inside one.
     */
    long countPackedVarints(long from, long to, String name) {
        long count = 0;
        int run = 0;
        for (long p = from; p < to; p++) {
            int b = seg.get(BYTE, p) & 0xff;
            run++;
            if (run == 10 && b > 1) {
                throw failAt(p - 9, "a varint of packed " + name + " is longer than 10 bytes or overflows 64 bits");
            }
            if (b < 0x80) {
                count++;
                run = 0;
            }
        }
        if (run != 0) {
            throw failAt(to, "packed " + name + " ends inside a varint");
        }
        return count;
    }

    /** Decodes the varint at {@code p} of a payload already checked by {@link #countPackedVarints}. */
    static long varintAt(MemorySegment seg, long[] p) {
        long result = 0;
        for (int shift = 0; ; shift += 7) {
            int b = seg.get(BYTE, p[0]++) & 0xff;
            result |= (long) (b & 0x7f) << shift;
            if (b < 0x80) {
                return result;
            }
        }
    }

    private void need(long bytes, String what) {
        if (end - pos < bytes) {
            throw failAt(pos, what + " needs " + bytes + " bytes but only " + (end - pos) + " are left in " + where
                    + truncatedHint());
        }
    }

    IllegalArgumentException fail(String problem) {
        return failAt(fieldStart, problem);
    }

    IllegalArgumentException failAt(long position, String problem) {
        return new IllegalArgumentException(source + ": " + where + " at byte " + (base + position) + ": " + problem);
    }
}
