// Pass sensors on gates: a person went through the passage.
export { SerialPassSensor } from './pass-sensor.ts';
export { sensorFrame, SensorFramer, SENSOR_HEAD, type SensorFrame } from './frames.ts';
