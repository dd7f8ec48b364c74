package sharefs.backing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Runs a test once with the newest calls the kernel offers (openat2, fchmodat2, getxattrat...) and
 * once with the forced fallbacks of older kernels (the component walk, chmod and xattrs through a pinned fd).
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@ParameterizedTest(name = "forceFallbacks={0}")
@ValueSource(booleans = {false, true})
@interface BothModes {}
