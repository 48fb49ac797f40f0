package io.sparkconv.kernels.spec;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Choices as configs and the command line write them: an enum constant is its name in lower case
 * ({@code RING} is {@code ring}), parsed without regard to case, and a word that is none of them
 * fails with the field and every choice named.
 */
public final class Words {
    private Words() {}

    public static <E extends Enum<E>> E parse(Class<E> type, String field, String word) {
        for (E e : type.getEnumConstants()) {
            if (e.name().equalsIgnoreCase(word.trim())) {
                return e;
            }
        }
        throw new IllegalArgumentException(field + " must be " + choices(type) + ", got '" + word + "'");
    }

    /** "ring or spark", "auto, java or onednn". */
    public static String choices(Class<? extends Enum<?>> type) {
        String[] words = Arrays.stream(type.getEnumConstants()).map(Words::of).toArray(String[]::new);
        return words.length == 1 ? words[0]
                : Arrays.stream(words, 0, words.length - 1).collect(Collectors.joining(", ")) + " or " + words[words.length - 1];
    }

    public static String of(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }
}
