# The Labelwright worker image: the `labelwright` CLI with onnxruntime-node's CUDA provider,
# for `labelwright work` in a Kubernetes Indexed Job (deploy/kubernetes/prelabel-job.yaml).
#
# Base: NVIDIA's CUDA 12 runtime image with cuDNN 9, the libraries onnxruntime 1.30's CUDA
# execution provider is built against (libcudart.so.12, libcublas.so.12, libcudnn.so.9; see
# README, "GPU"). onnxruntime publishes no maintained Node image of its own, so the runtime
# stage is that CUDA base with Node copied in, and onnxruntime-node fetches its CUDA provider
# at install (ONNXRUNTIME_NODE_INSTALL=cuda12).
#
# Not built on the development machine (it has no network beyond the npm registry and no
# Docker); see README, "Scaling out".
#
#   docker build -t registry.example/labelwright-worker:0.1.0 .

ARG NODE_IMAGE=node:22-bookworm-slim
ARG CUDA_IMAGE=nvidia/cuda:12.8.1-cudnn-runtime-ubuntu24.04

FROM ${NODE_IMAGE} AS build
WORKDIR /app
# No Electron binary (the worker is the CLI only); onnxruntime-node with its CUDA provider.
ENV ELECTRON_SKIP_BINARY_DOWNLOAD=1 ONNXRUNTIME_NODE_INSTALL=cuda12
COPY . .
# `npm ci` builds the CLI into out/cli (the prepare script); then only runtime modules stay.
RUN npm ci && node scripts/build-cli.mjs && npm prune --omit=dev

FROM ${NODE_IMAGE} AS node

FROM ${CUDA_IMAGE}
COPY --from=node /usr/local/bin/node /usr/local/bin/node
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/out/cli ./out/cli
COPY --from=build /app/bin ./bin
RUN ln -s /app/bin/labelwright.js /usr/local/bin/labelwright && chmod +x /app/bin/labelwright.js
# Packs come from a volume (deploy/kubernetes/prelabel-job.yaml mounts it read-only).
ENV LABELWRIGHT_MODELS=/models NODE_ENV=production
USER 1000:1000
ENTRYPOINT []
CMD ["labelwright", "--help"]
