/**
 * {@code StrictJson}, the bounded JSON reader of safetensors headers, {@code config.json} and
 * {@code tokenizer.json}. Exported to {@code org.attention4j.model} only; not API, it may change in any release.
 */
package org.attention4j.io.json;
