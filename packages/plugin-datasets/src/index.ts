// @rtlab/plugin-datasets: kinds "load" and "corrupt".
import { pluginModule } from '@rtlab/sdk';
import { cifar10Plugin, cifar100Plugin } from './cifar/cifar-plugin';
import { gaussianNoisePlugin, zoomBlurPlugin } from './corruptions/corruption-plugins';
import { dspritesPlugin } from './dsprites/dsprites-plugin';
import { fashionMnistPlugin } from './fashion-mnist/fashion-mnist-plugin';
import { imagenetFolderPlugin } from './image-folder/imagenet-folder-plugin';
import { intelImagePlugin } from './image-folder/intel-image-plugin';

export {
  dspritesPlugin,
  cifar10Plugin,
  cifar100Plugin,
  fashionMnistPlugin,
  intelImagePlugin,
  imagenetFolderPlugin,
  gaussianNoisePlugin,
  zoomBlurPlugin,
};
export * from './dsprites/dsprites-factors';
export { parseNpyHeader, NpyHeader } from './formats/npy';
export { parseIdx } from './formats/idx';

export const rtlabModule = pluginModule([
  dspritesPlugin,
  cifar10Plugin,
  cifar100Plugin,
  fashionMnistPlugin,
  intelImagePlugin,
  imagenetFolderPlugin,
  gaussianNoisePlugin,
  zoomBlurPlugin,
]);
