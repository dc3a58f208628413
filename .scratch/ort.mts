import ort from 'onnxruntime-node';
for (const f of ['glip-fixture/backbone.onnx','glip-fixture/text.onnx','glip-fixture/head.onnx','groupvit-fixture/image.onnx','groupvit-fixture/text.onnx']) {
  const s = await ort.InferenceSession.create('models/fixtures/'+f);
  console.log(f, JSON.stringify(s.inputMetadata), JSON.stringify(s.outputMetadata).slice(0,400));
}
