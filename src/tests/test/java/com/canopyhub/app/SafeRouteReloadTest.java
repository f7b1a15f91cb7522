package com.canopyhub.app;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.camel.support.DefaultRegistry;
import org.apache.camel.support.ResourceHelper;
import org.junit.jupiter.api.Test;

/** What a rejected route file reload says, without starting Camel. */
class SafeRouteReloadTest {

    @Test
    void a_yaml_error_names_the_file_and_its_line() {
        String text = "- route:\n    id: x\n    from:\n      uri: timer:x\n      steps: [ unclosed\n";
        assertThat(SafeRouteReload.unknownBeans(ResourceHelper.fromString("file:routes/x.camel.yaml", text), new DefaultRegistry()))
                .singleElement().satisfies(p -> assertThat(p).startsWith("file:routes/x.camel.yaml line ").contains("not valid YAML"));
    }

    @Test
    void an_unknown_bean_is_named_with_its_line_and_the_closest_known_one() {
        DefaultRegistry registry = new DefaultRegistry();
        registry.bind("distruPager", new Object());
        String text = "- route:\n    id: x\n    from:\n      uri: timer:x\n      steps:\n        - bean:\n            ref: distruPagr\n";
        assertThat(SafeRouteReload.unknownBeans(ResourceHelper.fromString("file:routes/x.camel.yaml", text), registry))
                .containsExactly("file:routes/x.camel.yaml line 7: no bean named 'distruPagr' (did you mean distruPager?)");
    }
}
