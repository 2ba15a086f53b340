module.exports = { ...require('../../jest.preset.js'), displayName: 'plugin-datasets', rootDir: __dirname };
