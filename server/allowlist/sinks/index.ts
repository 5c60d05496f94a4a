import type { SinkConfig } from "../target-kind";
import { fileSink } from "./file-sink";
import { httpSink } from "./http-sink";
import type { AllowlistSink } from "./sink";

export function sinkFor(config: SinkConfig): AllowlistSink {
  return config.type === "file" ? fileSink(config) : httpSink(config);
}
