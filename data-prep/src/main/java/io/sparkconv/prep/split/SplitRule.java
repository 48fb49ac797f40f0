package io.sparkconv.prep.split;

import java.io.Serializable;

/**
 * Which split and fold a record belongs to, from its key alone (see {@link StableSplit#position}):
 * with p the key's position in [0, 1), validation is [0, v), test is [v, v + t) and train the rest.
 * A source that has test files of its own (IDX t10k-*, CIFAR test_batch) keeps them as the test
 * split and t must be 0; its training files then split into validation [0, v) and train [v, 1),
 * the rule {@code TrainingData.splitTrainValidation} applies to IDX.
 *
 * <p>Folds cut the train range [lo, 1) into K equal parts, lo = v + t, so fold k is the keys whose
 * position falls in the k-th part. Adding records never moves an existing record's split or fold.
 *
 * @param validation v, in [0, 1)
 * @param test t, in [0, 1), v + t < 1
 * @param folds K >= 1
 */
public record SplitRule(double validation, double test, int folds) implements Serializable {
    public SplitRule {
        if (!(validation >= 0 && validation < 1)) {
            throw new IllegalArgumentException("validation fraction " + validation + " is outside [0, 1)");
        }
        if (!(test >= 0 && test < 1)) {
            throw new IllegalArgumentException("test fraction " + test + " is outside [0, 1)");
        }
        if (!(validation + test < 1)) {
            throw new IllegalArgumentException("validation " + validation + " + test " + test
                    + " leaves nothing to train on; their sum must be below 1");
        }
        if (folds < 1) {
            throw new IllegalArgumentException("folds " + folds + ": need at least 1");
        }
    }

    /** The split of a record; records of the source's own test files are test whatever their key. */
    public Split split(String key, boolean fromTestFile) {
        if (fromTestFile) {
            return Split.TEST;
        }
        double p = StableSplit.position(key);
        if (p < validation) {
            return Split.VALIDATION;
        }
        return p < validation + test ? Split.TEST : Split.TRAIN;
    }

    /** The fold (0..K-1) of a training record; -1 for a record of another split. */
    public int fold(String key, boolean fromTestFile) {
        return split(key, fromTestFile) == Split.TRAIN ? StableSplit.fold(StableSplit.position(key), validation + test, folds) : -1;
    }
}
