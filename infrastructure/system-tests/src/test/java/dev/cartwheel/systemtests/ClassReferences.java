package dev.cartwheel.systemtests;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The classes a class file names in its constant pool: every {@code CONSTANT_Class} entry, and the object types of the
 * field and method descriptors it uses ({@code CONSTANT_NameAndType}, {@code CONSTANT_MethodType}). Read by hand
 * (JVMS 4.4), since the project compiles with {@code --release 21} and {@code java.lang.classfile} is final only in
 * JDK 24. Internal names, e.g. {@code dev/cartwheel/core/order/Order}; array types give their element type.
 */
final class ClassReferences {

    private static final Pattern OBJECT_TYPE = Pattern.compile("L([^;<>]+);");

    private ClassReferences() {
    }

    static Set<String> of(byte[] classFile) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(classFile));
        if (in.readInt() != 0xCAFEBABE) {
            throw new IOException("not a class file");
        }
        in.readUnsignedShort(); // minor
        in.readUnsignedShort(); // major
        int count = in.readUnsignedShort();
        String[] utf8 = new String[count];
        int[] classNames = new int[count];
        int[] descriptors = new int[count];
        int classes = 0;
        int described = 0;
        for (int i = 1; i < count; i++) {
            int tag = in.readUnsignedByte();
            switch (tag) {
                case 1 -> utf8[i] = in.readUTF();
                case 7 -> classNames[classes++] = in.readUnsignedShort();
                case 12 -> {
                    in.readUnsignedShort(); // name
                    descriptors[described++] = in.readUnsignedShort();
                }
                case 16 -> descriptors[described++] = in.readUnsignedShort();
                case 8, 19, 20 -> in.readUnsignedShort();
                case 15 -> in.skipNBytes(3);
                case 3, 4, 9, 10, 11, 17, 18 -> in.skipNBytes(4);
                case 5, 6 -> {
                    in.skipNBytes(8);
                    i++; // a long or a double takes two entries
                }
                default -> throw new IOException("unknown constant pool tag " + tag + " at entry " + i);
            }
        }
        Set<String> names = new TreeSet<>();
        for (int c = 0; c < classes; c++) {
            String name = utf8[classNames[c]];
            if (name.startsWith("[")) {
                objectTypes(name, names);
            } else {
                names.add(name);
            }
        }
        for (int d = 0; d < described; d++) {
            objectTypes(utf8[descriptors[d]], names);
        }
        return names;
    }

    private static void objectTypes(String descriptor, Set<String> names) {
        Matcher matcher = OBJECT_TYPE.matcher(descriptor);
        while (matcher.find()) {
            names.add(matcher.group(1));
        }
    }
}
