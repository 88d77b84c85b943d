import type * as grpc from "@grpc/grpc-js";

/**
 * 19,999 registry entries make messages of about 5 MB, above grpc-js's 4 MB
 * default; the engine itself allows far more.
 */
export const grpcChannelOptions: grpc.ChannelOptions = {
  "grpc.max_receive_message_length": 400 * 1024 * 1024,
  "grpc.max_send_message_length": 400 * 1024 * 1024,
};

type UnaryMethod<Req, Res> = (
  request: Req,
  callback: (error: grpc.ServiceError | null, response: Res) => void,
) => unknown;

/** Calls one unary gRPC method and resolves with its response. */
export function callUnary<Req, Res>(method: UnaryMethod<Req, Res>, request: Req): Promise<Res> {
  return new Promise((resolve, reject) => {
    method(request, (error, response) => (error ? reject(error) : resolve(response)));
  });
}
