package io.sparkconv.kernels.spec;

import com.fasterxml.jackson.databind.JsonMappingException;
import java.io.StringReader;
import java.util.List;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Finds the line of a key in YAML text by its path, so that an error names the line the user
 * must edit. Jackson's own location for records is where its parser stopped, often past the object.
 */
final class YamlLines {
    private YamlLines() {}

    /** 1-based line of the node at the path, or -1 when the text does not parse or the path is not there. */
    static int lineOf(String text, List<JsonMappingException.Reference> path) {
        Node node;
        try {
            node = new Yaml(new LoaderOptions()).compose(new StringReader(text));
        } catch (RuntimeException e) {
            return -1;
        }
        int line = node == null ? -1 : node.getStartMark().getLine() + 1;
        for (JsonMappingException.Reference ref : path) {
            if (node instanceof MappingNode map && ref.getFieldName() != null) {
                Node next = null;
                for (NodeTuple t : map.getValue()) {
                    if (t.getKeyNode() instanceof ScalarNode key && key.getValue().equals(ref.getFieldName())) {
                        line = key.getStartMark().getLine() + 1;
                        next = t.getValueNode();
                        break;
                    }
                }
                if (next == null) {
                    return line;
                }
                node = next;
            } else if (node instanceof SequenceNode seq && ref.getIndex() >= 0 && ref.getIndex() < seq.getValue().size()) {
                node = seq.getValue().get(ref.getIndex());
                line = node.getStartMark().getLine() + 1;
            } else {
                return line;
            }
        }
        return line;
    }
}
