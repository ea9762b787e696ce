# Sourced by bench scripts: the JVM options a service runs with in its container image, so that the
# benchmarks measure it as deployed. ubi9/openjdk-17-runtime's run-java.sh adds Parallel GC and its
# heap settings, shared-model's quarkus.jib.jvm-additional-arguments -XX:+ExitOnOutOfMemoryError, and
# the heap is 75 % of the memory limit in deploy/k8s (768 MiB). BENCH_JAVA_OPTS goes after them.
# shellcheck disable=SC2034
IMAGE_JAVA_OPTS="-XX:+UseParallelGC -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=20 -XX:GCTimeRatio=4 \
-XX:AdaptiveSizePolicyWeight=90 -XX:+ExitOnOutOfMemoryError -Xmx576m"
